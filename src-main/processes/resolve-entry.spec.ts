import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../platform/paths';
import { builtEntryPath, ENTRY_NAMES, entryOverrideVar, PROCESS_ENTRIES } from './entries';
import { resolveEntry, runningFromSources } from './resolve-entry';

describe('resolveEntry', () => {
  it('gives every entry its TS source under tests, and every source exists', () => {
    expect(runningFromSources()).toBe(true);
    expect(ENTRY_NAMES).toEqual(['trainer', 'train-worker', 'pseudo-worker', 'weights-worker']);
    for (const name of ENTRY_NAMES) {
      const entry = resolveEntry(name, {});
      expect(entry).toEqual({ title: PROCESS_ENTRIES[name].title, path: join(appRoot(), PROCESS_ENTRIES[name].source), typescript: true });
      expect(existsSync(entry.path)).toBe(true);
    }
  });

  it('has one override variable per entry, absolute or relative to the app root; a .js override runs without the loader', () => {
    expect(ENTRY_NAMES.map(entryOverrideVar)).toEqual(['EADER_TRAINER_ENTRY', 'EADER_TRAIN_WORKER_ENTRY', 'EADER_PSEUDO_WORKER_ENTRY', 'EADER_WEIGHTS_WORKER_ENTRY']);
    expect(resolveEntry('trainer', { EADER_TRAINER_ENTRY: '/opt/eader/trainer.js' })).toEqual({ title: 'trainer process', path: '/opt/eader/trainer.js', typescript: false });
    expect(resolveEntry('pseudo-worker', { EADER_PSEUDO_WORKER_ENTRY: builtEntryPath('pseudo-worker') })).toEqual({
      title: 'pseudo-mask worker',
      path: join(appRoot(), 'out/main/pseudo-worker.js'),
      typescript: false,
    });
    expect(resolveEntry('train-worker', { EADER_TRAIN_WORKER_ENTRY: 'x/replica.ts' }).typescript).toBe(true);
  });
});
