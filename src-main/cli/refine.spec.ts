/**
 * `eader refine` end to end on a tiny run: seeds, head training with checkpoints, resume after an
 * interruption (to the very same weights as an uninterrupted run), head.json, then `eader infer
 * --refine rw` over the head's embedding; and the errors of a run without a head.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { openDataset } from '../datasets/open-dataset';
import { imagesOfSplit } from '../datasets/select';
import { readHeadRecord } from '../pseudo/affinity-head';
import { affinityPaths } from '../runs/run-layout';
import { makeTestDataset, makeTestRun } from '../testing/trained-run';
import { runInfer } from './infer-run';
import { runRefine } from './refine-run';

let root: string;
let runsRoot: string;

beforeAll(async () => {
  ({ root } = await makeTestDataset(3, 4));
  runsRoot = await mkdtemp(join(tmpdir(), 'eader-refine-runs-'));
});

const common = { epochs: 2, checkpointEvery: 3, inProcess: true, backend: 'wasm' } as const;

describe('eader refine', () => {
  it('trains the head with checkpoints, resumes an interrupted run to the same weights, and feeds eader infer --refine rw', async () => {
    const interrupted = await makeTestRun(runsRoot, 'run-i', root);
    const steps: number[] = [];
    const first = await runRefine({ run: interrupted, dataset: root, ...common, stopAfter: 5, onProgress: (p) => p.phase === 'train' && steps.push(p.done) });
    expect(first).toMatchObject({ status: 'stopped', steps: 5, resumedFrom: 0, head: null });
    expect(steps).toEqual([1, 2, 3, 4, 5]);
    expect(await readHeadRecord(interrupted)).toBeNull();
    expect(await readdir(affinityPaths(interrupted).checkpoints)).toEqual(expect.arrayContaining(['step-000000003', 'step-000000005']));

    const second = await runRefine({ run: interrupted, dataset: root, ...common });
    expect(second).toMatchObject({ status: 'finished', steps: 8, resumedFrom: 5 }); // 2 epochs × 4 train images
    const head = second.head!;
    expect(head).toMatchObject({ format: 'eader-affinity-head/1', steps: 8, stoppedBy: 'steps', checkpoint: 'step-000000008' });
    expect(head.localizer.checkpointStep).toBe(10);
    const rows = (await readFile(affinityPaths(interrupted).metrics, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number });
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows.every((r) => Number.isFinite(r.loss))).toBe(true);

    // An uninterrupted run of the same localizer ends with the same weights, byte for byte.
    const straight = await makeTestRun(runsRoot, 'run-s', root);
    const whole = await runRefine({ run: straight, dataset: root, ...common });
    expect(whole.head!.sha256).toBe(head.sha256);
    // Running again once finished trains nothing more and keeps the head.
    const again = await runRefine({ run: straight, dataset: root, ...common });
    expect(again).toMatchObject({ status: 'finished', steps: 8, resumedFrom: 8, loss: whole.loss }); // the loss of the last checkpoint
    expect(again.head!.sha256).toBe(head.sha256);

    // eader infer --refine rw: masks at each image's size, only the image's own classes.
    const out = await mkdtemp(join(tmpdir(), 'eader-refine-out-'));
    const summary = await runInfer({ run: interrupted, dataset: root, split: 'val', out, refine: 'rw', scales: [1], flip: false, backend: 'wasm' });
    expect(summary.images).toBe(3);
    const index = await openDataset(root);
    for (const rec of imagesOfSplit(index, 'val')) {
      const { mask } = decodeIndexedPng(await readFile(join(out, `${rec.id}.png`)));
      expect([mask.width, mask.height]).toEqual([40, 32]);
      for (const v of new Set(mask.data)) if (v !== 0) expect(rec.labels).toContain(v);
    }
    const infer = JSON.parse(await readFile(join(out, 'infer.json'), 'utf8')) as { render: { refine: string } };
    expect(infer.render.refine).toBe('rw');
  }, 120_000);

  it('stops at the time budget with a finished head, and a rerun resumes from its checkpoint', async () => {
    const run = await makeTestRun(runsRoot, 'run-b', root);
    const options = { run, dataset: root, ...common, epochs: 500, timeBudgetMinutes: 3 / 60 }; // three seconds, the seeds included; the cap is 2000 steps
    const budgeted = await runRefine(options);
    expect(budgeted.status).toBe('finished');
    expect(budgeted.head!.stoppedBy).toBe('budget');
    expect(budgeted.steps).toBeGreaterThan(0); // at least one step, however slow the seeds
    expect(budgeted.steps).toBeLessThan(2000);
    const rerun = await runRefine(options);
    expect(rerun).toMatchObject({ status: 'finished', resumedFrom: budgeted.steps });
    expect(rerun.head!.stoppedBy).toBe('budget');
  }, 120_000);

  it('refuses rw on a run without a head, naming the run and the eader refine that fixes it', async () => {
    const bare = await makeTestRun(runsRoot, 'run-bare', root);
    const out = await mkdtemp(join(tmpdir(), 'eader-refine-bare-'));
    await expect(runInfer({ run: bare, dataset: root, split: 'val', out, refine: 'rw', backend: 'wasm' })).rejects.toThrow(new RegExp(`Run ${bare} has no affinity head .*eader refine --run ${bare} --dataset ${root}`));
    // Inferring from the last checkpoint: the advice trains the head for that one (a head fits one checkpoint).
    await expect(runInfer({ run: bare, dataset: root, split: 'val', out, refine: 'rw', checkpoint: 'last', backend: 'wasm' })).rejects.toThrow(/eader refine --run .* --checkpoint last`/);
    await expect(runRefine({ run: bare, dataset: root, split: 'nope', inProcess: true })).rejects.toThrow(/nope/);
  });
});
