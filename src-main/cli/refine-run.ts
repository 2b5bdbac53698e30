/**
 * `eader refine`'s work, also what a bench calls: train a run's affinity head (the random walk's,
 * docs/pseudo-masks.md) on a dataset split, in a pseudo-mask worker process (or in this process with
 * `inProcess`), resuming the head's last checkpoint. Afterwards `runInfer({ refine: 'rw' })` (and the
 * app's rw refiner) walk the cams over its affinities.
 */
import { resolve } from 'node:path';
import type { HeadJobProgress, HeadJobResult } from '@shared/protocols/pseudo-worker';
import { imagesOfSplit } from '../datasets/select';
import { openDataset } from '../datasets/open-dataset';
import { refuseInsideDataset } from '../fs/output-guard';
import { readHeadRecord, type HeadRecord } from '../pseudo/affinity-head';
import { forkedHeadRunner, inProcessHeadRunner } from '../pseudo/head-runner';
import { checkpointIdentity } from '../pseudo/run-checkpoint';
import { readRunRecord } from '../runs/run-store';

export interface RefineOptions {
  run: string;
  dataset: string;
  /** The split whose images seed and train the head (default train). */
  split?: string;
  checkpoint?: 'best' | 'last';
  /** Minutes for the whole job, the seeds and resumed sessions included; null: the epochs decide. */
  timeBudgetMinutes?: number | null;
  epochs?: number;
  /** Longest side of the network input (null: each image's own size). */
  maxSide?: number | null;
  checkpointEvery?: number;
  /** Stop after this many steps in this session, resumable (tests: an interruption). */
  stopAfter?: number;
  backend?: string;
  /** Run the job in this process instead of a pseudo-mask worker. */
  inProcess?: boolean;
  onProgress?: (p: HeadJobProgress) => void;
  signal?: AbortSignal;
}

export const REFINE_DEFAULTS = { split: 'train', checkpoint: 'best', timeBudgetMinutes: null, epochs: 5, maxSide: null, checkpointEvery: 100 } as const;

export interface RefineSummary extends HeadJobResult {
  runDir: string;
  /** The finished head (null when the session stopped before the end: run again to resume). */
  head: HeadRecord | null;
}

export async function runRefine(options: RefineOptions): Promise<RefineSummary> {
  const runDir = resolve(options.run);
  const record = await readRunRecord(runDir);
  const checkpoint = await checkpointIdentity(runDir, options.checkpoint ?? REFINE_DEFAULTS.checkpoint);
  const index = await openDataset(options.dataset);
  if (index.classes.join('\n') !== record.dataset.classes.join('\n')) {
    throw new Error(`The dataset's classes (${index.classes.length}) differ from the run's (${record.dataset.classes.length}).`);
  }
  await refuseInsideDataset(runDir, index.root, '--run', options.dataset); // the head is written into the run folder
  const split = options.split ?? REFINE_DEFAULTS.split;
  const images = imagesOfSplit(index, split);
  if (images.length === 0) throw new Error(`${options.dataset}: split "${split}" has no images to train the affinity head on.`);
  const job = {
    runDir,
    checkpointDir: checkpoint.dir,
    localizer: checkpoint.key,
    datasetRoot: index.root,
    images: images.map((r) => ({ id: r.id, file: r.file, labels: r.labels })),
    epochs: options.epochs ?? REFINE_DEFAULTS.epochs,
    timeBudgetMinutes: options.timeBudgetMinutes ?? REFINE_DEFAULTS.timeBudgetMinutes,
    inputMaxSide: options.maxSide ?? REFINE_DEFAULTS.maxSide,
    checkpointEvery: options.checkpointEvery ?? REFINE_DEFAULTS.checkpointEvery,
    ...(options.stopAfter !== undefined ? { stopAfter: options.stopAfter } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
  };
  const runner = options.inProcess ? inProcessHeadRunner : forkedHeadRunner();
  const result = await runner(job, options.onProgress ?? (() => undefined), options.signal ?? new AbortController().signal);
  return { ...result, runDir, head: result.status === 'finished' ? await readHeadRecord(runDir) : null };
}
