import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forkedHeadRunner } from './head-runner';
import { readHeadRecord } from './affinity-head';
import { checkpointIdentity } from './run-checkpoint';
import { makeTestDataset, makeTestRun } from '../testing/trained-run';

describe('forkedHeadRunner', () => {
  it('trains the head in a pseudo-mask worker, reporting seeds and steps, and stops on cancel with a checkpoint to resume', async () => {
    const { root, ids } = await makeTestDataset(2);
    const runDir = await makeTestRun(await mkdtemp(join(tmpdir(), 'eader-head-fork-')), 'run-hf', root);
    const checkpoint = await checkpointIdentity(runDir, 'best');
    const images = ids.val.map((id) => ({ id, file: `VOCdevkit/VOC2012/JPEGImages/${id}.jpg`, labels: [1] }));
    const job = { runDir, checkpointDir: checkpoint.dir, localizer: checkpoint.key, datasetRoot: root, images, epochs: 2, timeBudgetMinutes: null, inputMaxSide: null, checkpointEvery: 1 };
    const runner = forkedHeadRunner({ env: { ...process.env, EADER_BACKEND: 'wasm' } });
    const seen: string[] = [];
    const result = await runner(job, (p) => seen.push(`${p.phase} ${p.done}/${p.total}`), new AbortController().signal);
    expect(result).toMatchObject({ status: 'finished', steps: 4, resumedFrom: 0, backend: 'wasm' });
    expect(seen).toEqual(['seeds 1/2', 'seeds 2/2', 'train 1/4', 'train 2/4', 'train 3/4', 'train 4/4']);
    expect((await readHeadRecord(runDir))?.steps).toBe(4);
    // Cancelled at once: the worker still answers, nothing is trained, and the head stays.
    const abort = new AbortController();
    abort.abort();
    const again = await runner({ ...job, epochs: 3 }, () => undefined, abort.signal);
    expect(again).toMatchObject({ status: 'stopped', steps: 4, resumedFrom: 4 });
  }, 120_000);
});
