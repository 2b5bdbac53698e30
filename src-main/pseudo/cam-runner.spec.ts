import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CamCache, type CamCacheKey } from './cam-cache';
import { forkedCamRunner } from './cam-runner';
import type { CamJob } from './cam-job';
import { checkpointIdentity } from './run-checkpoint';
import { appRoot } from '../platform/paths';
import { makeTestDataset, makeTestRun } from '../testing/trained-run';

async function setup(): Promise<{ job: CamJob; cache: CamCache; ids: string[] }> {
  const { root, ids } = await makeTestDataset(2);
  const runDir = await makeTestRun(await mkdtemp(join(tmpdir(), 'eader-pseudo-fork-')), 'run-f', root);
  const checkpoint = await checkpointIdentity(runDir, 'best');
  const key: CamCacheKey = { runId: 'run-f', ...checkpoint.key, scales: [1], flip: true, labels: 'gt', labelThreshold: 0.5, gridSide: 64, inputMaxSide: null };
  const cache = new CamCache(runDir, key);
  await cache.prepare();
  const images = ids.val.map((id) => ({ id, file: `VOCdevkit/VOC2012/JPEGImages/${id}.jpg`, labels: [1] }));
  return { job: { runDir, checkpointDir: checkpoint.dir, key, datasetRoot: root, images }, cache, ids: ids.val };
}

const fixture = (name: string): string => join(appRoot(), 'src-main/testing', name);

describe('forkedCamRunner', () => {
  it('computes cams in a child process, reporting each image, and the parent reads them from the cache', async () => {
    const { job, cache, ids } = await setup();
    const seen: string[] = [];
    const result = await forkedCamRunner({ env: { ...process.env, EADER_BACKEND: 'wasm' } })(job, (p) => seen.push(`${p.done}/${p.total} ${p.imageId}`), new AbortController().signal);
    expect(result).toMatchObject({ done: 2, failed: [], cancelled: false, backend: 'wasm' });
    expect(seen).toEqual(ids.map((id, i) => `${i + 1}/2 ${id}`));
    for (const id of ids) expect((await cache.read(id))?.classes).toEqual([1]);
  });

  it('never sends a job the protocol refuses, and writes nothing', async () => {
    const { job, cache, ids } = await setup();
    const bad = { ...job, images: job.images.map((image) => ({ ...image, labels: [0] })) };
    await expect(forkedCamRunner()(bad, () => undefined, new AbortController().signal)).rejects.toThrow(
      /^Refused to send a malformed message to the pseudo-mask worker \(at job\.images\.0\.labels\.0: /,
    );
    for (const id of ids) expect(await cache.read(id)).toBeNull();
  });

  it('fails the job when the worker dies mid-job (SIGKILL) or answers off-protocol: an outcome, never a hang', async () => {
    const { job } = await setup();
    const run = (entry: string) => forkedCamRunner({ env: { ...process.env, EADER_PSEUDO_WORKER_ENTRY: fixture(entry) } })(job, () => undefined, new AbortController().signal);
    await expect(run('dying-child.ts')).rejects.toThrow('The pseudo-mask worker was killed by SIGKILL before finishing.');
    // echo-child's ready (`{type:'ready', transport}`) is not the pseudo-worker protocol's.
    await expect(run('echo-child.ts')).rejects.toThrow(/^Refused a malformed message from the pseudo-mask worker \(/);
  });
});
