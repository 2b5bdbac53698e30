import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROVENANCE_DIR, appendProvenance, provenancePath, readProvenance } from './provenance';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const entry = { revision: 1, source: 'pseudo-mask' as const, runId: 'r', checkpointStep: 10, checkpointSha256: 'ab', threshold: 0.3, keepLargest: false, scales: [1], flip: true, labels: 'gt' as const, labelThreshold: 0.5, classes: [1], queueSignal: 'entropy', queueScore: 0.2, acceptedAt: '2025-01-01T00:00:00Z' };

describe('provenance', () => {
  it('reads entries written before refiners had names (refine: true/false, no ignore band) and appends new ones', async () => {
    const project = await mkdtemp(join(tmpdir(), 'eader-prov-'));
    dirs.push(project);
    await mkdir(join(project, PROVENANCE_DIR));
    await writeFile(provenancePath(project, 'a'), JSON.stringify({ format: 'eader-provenance/1', imageId: 'a', entries: [{ ...entry, refine: true }] }));
    expect((await readProvenance(project, 'a')).map((e) => [e.refine, e.ignoreBand])).toEqual([['bilateral', null]]);
    await appendProvenance(project, 'a', { ...entry, revision: 2, refine: 'none', ignoreBand: { low: 0.05, high: 0.3 } });
    expect((await readProvenance(project, 'a')).map((e) => [e.revision, e.refine, e.ignoreBand])).toEqual([
      [1, 'bilateral', null],
      [2, 'none', { low: 0.05, high: 0.3 }],
    ]);
  });
});
