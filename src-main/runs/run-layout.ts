/**
 * The one declaration of a run folder's layout: every file and folder a run holds, by name. Every
 * module that reads or writes inside a run folder takes its path from here.
 *
 *   runs/<runId>/config.json      the run record (run-store.ts): settings, dataset, backend, versions
 *   runs/<runId>/metrics.jsonl    one row per training step (run-store.ts)
 *   runs/<runId>/checkpoints/     step-<n>/ folders with a manifest and tensors (checkpoints.ts)
 *   runs/<runId>/outcome.json     how the run ended (run-history.ts)
 *   runs/<runId>/validation.json  val BCE against the label prior, per validation (trainer/validation.ts)
 *   runs/<runId>/.eader-lock      the trainer that writes the run (run-lock.ts)
 *   runs/<runId>/cams/<key>/      the pseudo-mask cam cache, one folder per cache key (pseudo/cam-cache.ts)
 *   runs/<runId>/eval/<name>.json evaluations of its pseudo-masks (services/pseudo-analysis.ts)
 *   runs/<runId>/eval.json        an evaluation written by older versions (read only)
 *   runs/<runId>/affinity/        the affinity head of the random walk (`eader refine`; AFFINITY_FILES):
 *     checkpoints/                  step-<n>/ folders, the head and its optimizer (checkpoints.ts)
 *     metrics.jsonl                 one row per head training step
 *     head.json                     the finished head: which checkpoint, its SHA-256, the localizer it fits
 * Everything written per image is keyed by the image id, never by a running index.
 */
import { basename, join, resolve } from 'node:path';

export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  checkpoints: 'checkpoints',
  outcome: 'outcome.json',
  validation: 'validation.json',
  lock: '.eader-lock',
  cams: 'cams',
  eval: 'eval',
  legacyEval: 'eval.json',
  affinity: 'affinity',
} as const;

/** Inside `runs/<runId>/affinity/`. */
export const AFFINITY_FILES = {
  checkpoints: 'checkpoints',
  metrics: 'metrics.jsonl',
  head: 'head.json',
} as const;

export type AffinityPaths = { dir: string } & { [K in keyof typeof AFFINITY_FILES]: string };

/** Every path of the run's affinity folder. */
export function affinityPaths(runDir: string): AffinityPaths {
  const dir = join(resolve(runDir), RUN_FILES.affinity);
  const paths = Object.fromEntries(Object.entries(AFFINITY_FILES).map(([key, name]) => [key, join(dir, name)])) as { [K in keyof typeof AFFINITY_FILES]: string };
  return { dir, ...paths };
}

export type RunPaths = { dir: string; runId: string } & { [K in keyof typeof RUN_FILES]: string };

/** Every path of the run folder `runDir` (resolved). */
export function runPaths(runDir: string): RunPaths {
  const dir = resolve(runDir);
  const paths = Object.fromEntries(Object.entries(RUN_FILES).map(([key, name]) => [key, join(dir, name)])) as { [K in keyof typeof RUN_FILES]: string };
  return { dir, runId: basename(dir), ...paths };
}
