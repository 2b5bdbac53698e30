/**
 * Every child process and worker thread the app starts, declared once. electron-vite builds each
 * `source` to `out/main/<name>.js` (electron.vite.config.ts reads this table), `resolveEntry`
 * finds it from the build or from the sources, and `EADER_<NAME>_ENTRY` overrides its path
 * (e.g. EADER_TRAINER_ENTRY, EADER_PSEUDO_WORKER_ENTRY). Pure data: the build config imports it.
 */
export const PROCESS_ENTRIES = {
  /** One training run (utilityProcess in the app, child_process.fork elsewhere). */
  trainer: { source: 'src-main/trainer/entry.ts', title: 'trainer process' },
  /** The trainer's second wasm replica (a worker_threads thread; data-parallel training). */
  'train-worker': { source: 'src-main/engine/parallel/worker-entry.ts', title: 'train worker' },
  /** One pseudo-mask cam job (utilityProcess in the app, child_process.fork elsewhere). */
  'pseudo-worker': { source: 'src-main/pseudo/worker-entry.ts', title: 'pseudo-mask worker' },
  /** One weights download or import (utilityProcess in the app, child_process.fork elsewhere). */
  'weights-worker': { source: 'src-main/weights/worker-entry.ts', title: 'weights worker' },
} as const satisfies Record<string, { source: string; title: string }>;

export type EntryName = keyof typeof PROCESS_ENTRIES;

export const ENTRY_NAMES = Object.keys(PROCESS_ENTRIES) as EntryName[];

/** The build output of an entry, relative to the app root. */
export function builtEntryPath(name: EntryName): string {
  return `out/main/${name}.js`;
}

/** The environment variable that overrides an entry's path: EADER_TRAIN_WORKER_ENTRY for train-worker. */
export function entryOverrideVar(name: EntryName): string {
  return `EADER_${name.toUpperCase().replaceAll('-', '_')}_ENTRY`;
}
