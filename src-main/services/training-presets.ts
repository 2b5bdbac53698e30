/** The Training area's presets, where runs live, and how a new run is named. */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { PAPER_PRESET, QUICK_PRESET } from '@shared/trainer-protocol';
import type { PresetId, TrainingPreset } from '@shared/domain/training-view';

export const TRAINING_PRESETS: readonly TrainingPreset[] = [
  {
    id: 'paper',
    label: 'Paper (GPU, 448 px, resnet)',
    description: 'The paper’s settings: ResNet localizer and ResNet-18 adversary at 448 px, SGD, 10 epochs. Needs a GPU backend to finish in hours.',
    config: PAPER_PRESET,
  },
  {
    id: 'quick',
    label: 'Quick (CPU, 64–128 px, tiny)',
    description: 'Tiny networks at 80 px with Adam: minutes on two CPU cores (wasm). For trying the method and the UI, not for final masks.',
    config: QUICK_PRESET,
  },
];

export function presetById(id: PresetId): TrainingPreset {
  const preset = TRAINING_PRESETS.find((p) => p.id === id);
  if (!preset) throw new Error(`Unknown preset ${id}`);
  return preset;
}

/** `$EADER_HOME` (default `~/.eader-workbench`). */
export function eaderHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.EADER_HOME && env.EADER_HOME.trim() ? env.EADER_HOME : join(homedir(), '.eader-workbench'));
}

/** The open project's `runs/`, else `$EADER_HOME/runs`: where new runs go. */
export function runsRootFor(project: string | null, env: NodeJS.ProcessEnv = process.env): string {
  return project ? join(resolve(project), 'runs') : join(eaderHome(env), 'runs');
}

/**
 * Every folder runs are looked up in, new-run folder first: with a project open, its runs/ and then
 * $EADER_HOME/runs, so runs trained before the project existed stay usable (history, pseudo-masks).
 */
export function runsRootsFor(project: string | null, env: NodeJS.ProcessEnv = process.env): string[] {
  const home = join(eaderHome(env), 'runs');
  const primary = runsRootFor(project, env);
  return primary === home ? [home] : [primary, home];
}

/** A sortable, unique folder name: `2025-01-31T12-00-05-quick-a1b2`. */
export function newRunId(label: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
  const tag = label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24) || 'run';
  return `${stamp}-${tag}-${randomBytes(2).toString('hex')}`;
}
