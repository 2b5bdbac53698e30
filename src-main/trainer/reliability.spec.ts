/**
 * Training fails loudly and has one writer (issue 16 §3, §4): `--lr 1e308` ends as "diverged at step
 * N" with no non-finite checkpoint, `infer` refuses a non-finite checkpoint, a manifest whose stored
 * length is wrong is named, a run folder inside the dataset is refused, and a second trainer on a run
 * that is training is refused naming the first.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainConfig } from '@shared/domain/train-config';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import type { TrainerMessage } from '@shared/trainer-protocol';
import { runInfer } from '../cli/infer-run';
import { runTrain, TrainRunError } from '../cli/train-run';
import { initBackend } from '../engine/backend';
import { listCheckpoints, loadLatestCheckpoint, readCheckpoint } from '../runs/checkpoints';
import { refuseIfRunLocked } from '../runs/run-lock';
import { hashTree } from '../testing/folder-fixture';
import { writeShapesVoc } from '../testing/shapes-fixture';
import { defaultTrainerLauncher } from './launch';
import { TrainerSupervisor } from './supervisor';

let root: string;
let dataset: string;
const config: TrainConfig = { ...SMALL_TRAIN_CONFIG, backend: 'wasm', imageSize: 24, batchSize: 2, epochs: 1, maxSteps: 4, locSteps: 1, advSteps: 1, checkpointEvery: 2, sampleEvery: 0, workers: 1 };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-reliable-'));
  dataset = join(root, 'data');
  await writeShapesVoc(dataset, { train: 8, val: 2, width: 32, height: 24 });
  await initBackend({ force: 'wasm' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const train = (out: string, overrides: Partial<TrainConfig> = {}, resume = false) =>
  runTrain({ dataset, out, config: { ...config, ...overrides }, resume, inProcess: true, progress: null });

/** Rewrite one float of a checkpoint's weights.bin and fix its checksum (a NaN the old code wrote). */
async function plantValue(dir: string, index: number, value: number): Promise<void> {
  const weights = await readFile(join(dir, 'weights.bin'));
  weights.writeFloatLE(value, index * 4);
  await writeFile(join(dir, 'weights.bin'), weights);
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  manifest['sha256'] = createHash('sha256').update(weights).digest('hex');
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

describe('divergence', () => {
  it('--lr 1e308 stops the run as "diverged at step N" and writes no checkpoint of it', async () => {
    const out = join(root, 'diverged');
    const seen: TrainerMessage[] = [];
    const failed = await runTrain({ dataset, out, config: { ...config, lr: 1e308, optimizer: 'sgd' }, resume: false, inProcess: true, progress: null, onMessage: (m) => seen.push(m) }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TrainRunError);
    const outcome = (failed as TrainRunError).outcome;
    expect(outcome).toMatchObject({ kind: 'error', code: 'DIVERGED' });
    expect((failed as Error).message).toMatch(/^Training failed \[DIVERGED\]: Training diverged at step \d+: the \w+ loss is (NaN|-?Infinity)\. No checkpoint of it was written; try a lower --lr\.$/);
    expect((failed as Error).message).not.toMatch(/Resume with/);
    // Every progress report that reached the parent carried finite losses; none was dropped as malformed.
    for (const m of seen) if (m.type === 'progress') expect(Object.values(m.losses).every(Number.isFinite)).toBe(true);
    expect(seen.some((m) => m.type === 'log' && /malformed/.test(m.message))).toBe(false);
    for (const c of await listCheckpoints(join(out, 'checkpoints'))) await expect(readCheckpoint(c.dir)).resolves.toBeTruthy();
  });

  it('infer refuses a checkpoint with non-finite weights; resume skips it for the one before', async () => {
    const out = join(root, 'nan-ckpt');
    await train(out);
    const all = await listCheckpoints(join(out, 'checkpoints'));
    expect(all.map((c) => c.step)).toEqual([2, 4]);
    await plantValue(all[1]!.dir, 3, Number.NaN);
    await expect(readCheckpoint(all[1]!.dir)).rejects.toThrow(/step-000000004 cannot be used: tensor .* holds NaN at index 3; only finite weights are kept/);
    const infer = { run: out, dataset, split: 'val', out: join(root, 'nan-masks'), threshold: 0.2, labels: 'gt' as const, labelThreshold: 0.5, scales: [1], flip: false, checkpoint: 'last' as const, maxSide: null };
    await expect(runInfer(infer)).rejects.toThrow(/holds NaN/);
    expect((await loadLatestCheckpoint(join(out, 'checkpoints')))?.info.step).toBe(2);
  });

  it('names the tensor whose stored length does not match its shape', async () => {
    const out = join(root, 'bad-length');
    await train(out, { maxSteps: 2 });
    const [ckpt] = await listCheckpoints(join(out, 'checkpoints'));
    const path = join(ckpt!.dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { tensors: { name: string; length: number }[] };
    manifest.tensors[0]!.length -= 1;
    await writeFile(path, JSON.stringify(manifest));
    await expect(readCheckpoint(ckpt!.dir)).rejects.toThrow(new RegExp(`tensor ${manifest.tensors[0]!.name} has shape \\[[\\d,]+\\] \\(\\d+ values\\) but its manifest entry stores \\d+`));
  });
});

describe('one writer per run', () => {
  it('refuses a run folder inside the dataset', async () => {
    const failed = await train(join(dataset, 'VOCdevkit', 'VOC2012', 'runs', 'a')).catch((e: unknown) => e);
    expect((failed as TrainRunError).outcome).toMatchObject({ kind: 'error', code: 'BAD_CONFIG', message: expect.stringMatching(/The run folder .* lies inside the dataset folder/) as unknown });
  });

  it('infer refuses --out inside the dataset (it overwrote the ground truth, and eval then said 100 %)', async () => {
    const out = join(root, 'infer-guard');
    await train(out, { maxSteps: 2 });
    const before = await hashTree(dataset);
    const gtDir = join(dataset, 'VOCdevkit', 'VOC2012', 'SegmentationClass');
    const infer = { run: out, dataset, split: 'val', out: gtDir, threshold: 0.2, labels: 'gt' as const, labelThreshold: 0.5, scales: [1], flip: false, checkpoint: 'last' as const, maxSide: null };
    await expect(runInfer(infer)).rejects.toThrow(/--out .*SegmentationClass lies inside the dataset folder/);
    expect(await hashTree(dataset)).toEqual(before);
  });

  it('refuses a second trainer (train --resume) and a delete while a trainer holds the run', async () => {
    const runDir = join(root, 'locked');
    const first = new TrainerSupervisor(defaultTrainerLauncher(process.env, 'ignore'));
    const checkpoint = new Promise<void>((resolve) => first.on((m) => m.type === 'checkpoint' && resolve()));
    await first.start({ config: { ...config, maxSteps: null, epochs: 200 }, datasetRoot: dataset, runDir, resume: false });
    await checkpoint;
    await expect(refuseIfRunLocked(runDir, 'delete')).rejects.toThrow(new RegExp(`Cannot delete the run .*locked: it is in use by eader trainer \\(train\\) \\(pid ${first.pid}, since `));
    const second = new TrainerSupervisor(defaultTrainerLauncher(process.env, 'ignore'));
    await second.start({ config, datasetRoot: dataset, runDir, resume: true });
    expect(await second.outcome).toMatchObject({ kind: 'error', code: 'LOCKED', message: expect.stringMatching(new RegExp(`in use by eader trainer \\(train\\) \\(pid ${first.pid}`)) as unknown });
    first.stop();
    expect(await first.outcome).toMatchObject({ kind: 'finished', reason: 'stopped' });
    // The first left nothing half-done, and now the run is free.
    await refuseIfRunLocked(runDir, 'delete');
    expect((await listCheckpoints(join(runDir, 'checkpoints'))).length).toBeGreaterThan(0);
  });
});
