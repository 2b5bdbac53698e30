import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '@shared/domain/train-config';
import { QUICK_PRESET } from '@shared/domain/train-presets';
import { createRun, readRunRecord, RUN_FORMAT } from './run-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eader-run-store-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const fixture = join(import.meta.dirname, '../testing/fixtures/run-v1/config.json');

async function withRecord(edit: (record: Record<string, unknown>) => unknown): Promise<string> {
  const record = JSON.parse(await readFile(fixture, 'utf8')) as Record<string, unknown>;
  const runDir = join(dir, 'run');
  await mkdir(runDir, { recursive: true });
  await writeFile(join(runDir, 'config.json'), JSON.stringify(edit(record)));
  return runDir;
}

describe('run records', () => {
  it('are written in the current format with every setting', async () => {
    const runDir = join(dir, 'new');
    await createRun(runDir, { config: QUICK_PRESET, backend: 'wasm', dataset: { root: '/d', format: 'voc', classes: ['background', 'a'], trainImages: 1 }, versions: {} });
    const onDisk = JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8')) as { format: string; config: Record<string, unknown> };
    expect(onDisk.format).toBe(RUN_FORMAT);
    expect(onDisk.config).toEqual(QUICK_PRESET);
    expect(Object.keys(onDisk.config).sort()).toEqual(Object.keys(DEFAULTS).sort());
  });

  it('give a setting a record lacks its table default (a setting added after the run)', async () => {
    const runDir = await withRecord((r) => {
      const config = { ...(r.config as Record<string, unknown>) };
      delete config.sampleImages;
      return { ...r, format: RUN_FORMAT, config };
    });
    expect((await readRunRecord(runDir)).config.sampleImages).toBe(DEFAULTS.sampleImages);
  });

  it('refuse an unknown setting, a newer format, a bad value and bad JSON, naming the file', async () => {
    let runDir = await withRecord((r) => ({ ...r, config: { ...(r.config as object), gamma: 0.1 } }));
    await expect(readRunRecord(runDir)).rejects.toThrow(`${join(runDir, 'config.json')} is not a valid run record: config: unknown setting "gamma".`);
    runDir = await withRecord((r) => ({ ...r, format: 'eader-run/9' }));
    await expect(readRunRecord(runDir)).rejects.toThrow(/config\.json is a run record of format "eader-run\/9", which this EADER does not read/);
    runDir = await withRecord((r) => ({ ...r, config: { ...(r.config as object), imageSize: 4 } }));
    await expect(readRunRecord(runDir)).rejects.toThrow(/config\.json is not a valid run record: config\.imageSize: must be at least 16/);
    await writeFile(join(runDir, 'config.json'), '{"format": ');
    await expect(readRunRecord(runDir)).rejects.toThrow(/config\.json is not valid JSON/);
  });
});
