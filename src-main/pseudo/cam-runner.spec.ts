import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CamCache, type CamCacheKey } from './cam-cache';
import { forkedCamRunner } from './cam-runner';
import { checkpointIdentity } from './run-checkpoint';
import { makeTestDataset, makeTestRun } from '../testing/trained-run';

describe('forkedCamRunner', () => {
  it('computes cams in a child process, reporting each image, and the parent reads them from the cache', async () => {
    const { root, ids } = await makeTestDataset(2);
    const runDir = await makeTestRun(await mkdtemp(join(tmpdir(), 'eader-pseudo-fork-')), 'run-f', root);
    const checkpoint = await checkpointIdentity(runDir, 'best');
    const key: CamCacheKey = { runId: 'run-f', ...checkpoint.key, scales: [1], flip: true, labels: 'gt', labelThreshold: 0.5, gridSide: 64, inputMaxSide: null };
    const cache = new CamCache(runDir, key);
    await cache.prepare();
    const seen: string[] = [];
    const images = ids.val.map((id) => ({ id, file: `VOCdevkit/VOC2012/JPEGImages/${id}.jpg`, labels: [1] }));
    const result = await forkedCamRunner({ ...process.env, EADER_BACKEND: 'wasm' })(
      { runDir, checkpointDir: checkpoint.dir, key, datasetRoot: root, images },
      (p) => seen.push(`${p.done}/${p.total} ${p.imageId}`),
      new AbortController().signal,
    );
    expect(result).toMatchObject({ done: 2, failed: [], cancelled: false, backend: 'wasm' });
    expect(seen).toEqual(ids.val.map((id, i) => `${i + 1}/2 ${id}`));
    for (const id of ids.val) expect((await cache.read(id))?.classes).toEqual([1]);
  });
});
