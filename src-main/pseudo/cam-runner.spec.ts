import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CamCache, type CamCacheKey } from './cam-cache';
import { forkedCamRunner, shardedCamRunner, type CamRunner } from './cam-runner';
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
    for (const id of ids) expect((await cache.readStored(id))?.classes).toEqual([1]);
  });

  it('never sends a job the protocol refuses, and writes nothing', async () => {
    const { job, cache, ids } = await setup();
    const bad = { ...job, images: job.images.map((image) => ({ ...image, labels: [0] })) };
    await expect(forkedCamRunner()(bad, () => undefined, new AbortController().signal)).rejects.toThrow(
      /^Refused to send a malformed message to the pseudo-mask worker \(at job\.images\.0\.labels\.0: /,
    );
    for (const id of ids) expect(await cache.readStored(id)).toBeNull();
  });

  it('fails the job when the worker dies mid-job (SIGKILL) or answers off-protocol: an outcome, never a hang', async () => {
    const { job } = await setup();
    const run = (entry: string) => forkedCamRunner({ env: { ...process.env, EADER_PSEUDO_WORKER_ENTRY: fixture(entry) } })(job, () => undefined, new AbortController().signal);
    await expect(run('dying-child.ts')).rejects.toThrow('The pseudo-mask worker was killed by SIGKILL before finishing.');
    // echo-child's ready (`{type:'ready', transport}`) is not the pseudo-worker protocol's.
    await expect(run('echo-child.ts')).rejects.toThrow(/^Refused a malformed message from the pseudo-mask worker \(/);
  });
});

describe('shardedCamRunner', () => {
  const key = { runId: 'r', checkpointStep: 1, checkpointSha256: 'x', scales: [1], flip: false, labels: 'gt' as const, labelThreshold: 0.5, gridSide: 64, inputMaxSide: null };
  const jobOf = (count: number, backend?: string): CamJob => ({ runDir: '/r', checkpointDir: '/r/c', key, datasetRoot: '/d', images: Array.from({ length: count }, (_, i) => ({ id: `im${String(i).padStart(3, '0')}`, file: `${i}.jpg`, labels: [1] })), ...(backend ? { backend } : {}) });
  /** A stand-in worker: reports each image, fails on an id it is told to, stops when aborted. */
  const fake = (calls: string[][], failOn?: string): CamRunner => async (job, onProgress, signal) => {
    calls.push(job.images.map((im) => im.id));
    let done = 0;
    for (const image of job.images) {
      if (signal.aborted) return { done, backend: 'wasm', failed: [], cancelled: true };
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (image.id === failOn) throw new Error(`worker died on ${image.id}`);
      done += 1;
      onProgress({ done, total: job.images.length, imageId: image.id, seconds: 0.001 });
    }
    return { done, backend: 'wasm', failed: image0Failed(job), cancelled: false };
  };
  const image0Failed = (job: CamJob) => (job.images[0]!.id === 'im000' ? [{ imageId: 'im000', message: 'bad jpeg' }] : []);

  it('splits a job into contiguous shares, sums their progress and merges their results', async () => {
    const calls: string[][] = [];
    const progress: number[] = [];
    const result = await shardedCamRunner(fake(calls), 2, 4)(jobOf(10), (p) => progress.push(p.done), new AbortController().signal);
    expect(calls).toEqual([['im000', 'im001', 'im002', 'im003', 'im004'], ['im005', 'im006', 'im007', 'im008', 'im009']]);
    expect(result).toEqual({ done: 10, backend: 'wasm', failed: [{ imageId: 'im000', message: 'bad jpeg' }], cancelled: false });
    expect(progress.at(-1)).toBe(10);
    expect(progress).toEqual([...progress].sort((a, b) => a - b)); // a running total, never going back
  });

  it('keeps small jobs and jobs for a named GPU backend in one worker', async () => {
    const calls: string[][] = [];
    await shardedCamRunner(fake(calls), 4, 4)(jobOf(7), () => undefined, new AbortController().signal);
    await shardedCamRunner(fake(calls), 4, 4)(jobOf(40, 'webgpu'), () => undefined, new AbortController().signal);
    await shardedCamRunner(fake(calls), 4, 4)(jobOf(40, 'cpu'), () => undefined, new AbortController().signal);
    expect(calls.map((c) => c.length)).toEqual([7, 40, 10, 10, 10, 10]);
  });

  it('a failing shard cancels the others and the job rejects with its error; an abort reaches every shard', async () => {
    const calls: string[][] = [];
    await expect(shardedCamRunner(fake(calls, 'im001'), 2, 4)(jobOf(40), () => undefined, new AbortController().signal)).rejects.toThrow('worker died on im001');
    const abort = new AbortController();
    const run = shardedCamRunner(fake([]), 2, 4)(jobOf(40), (p) => p.done >= 4 && abort.abort(), abort.signal);
    const result = await run;
    expect(result.cancelled).toBe(true);
    expect(result.done).toBeLessThan(40);
  });
});
