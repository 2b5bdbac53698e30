/**
 * Real training, tiny: the engine's state survives a checkpoint round-trip exactly, and a short
 * run on easy shapes lowers the classification loss and gives cam masks that beat all-background.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainConfig } from '@shared/domain/train-config';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import { runEval } from '../cli/eval-run';
import { runInfer } from '../cli/infer-run';
import { initBackend } from '../engine/backend';
import { readCheckpoint, writeCheckpoint } from '../runs/checkpoints';
import { readMetrics } from '../runs/run-store';
import { createEngine } from './engine-adapter';
import { runTraining } from './loop';
import { RunControl } from './run-control';
import { writeShapesVoc } from '../testing/shapes-fixture';

let root: string;
const image = (seed: number) => ({ width: 40, height: 32, data: new Uint8Array(40 * 32 * 3).map((_, i) => (i * 31 + seed * 17) % 251) });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-train-'));
  await initBackend({ force: 'wasm' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('training', () => {
  it('restores weights, optimizer state and step exactly from a checkpoint', async () => {
    const config: TrainConfig = { ...SMALL_TRAIN_CONFIG, imageSize: 24, batchSize: 2, locSteps: 1, advSteps: 1 };
    const a = await createEngine(config, 2);
    const b = await createEngine(config, 2);
    try {
      for (let s = 0; s < 3; s++) await a.trainStep([image(s), image(s + 1)], [[1], [1, 2]], s, config.lr);
      // b drifts elsewhere first, so only the checkpoint can make it equal to a.
      for (let s = 0; s < 2; s++) await b.trainStep([image(s + 20), image(s + 30)], [[2], [2]], s, config.lr);
      expect(Array.from((await b.exportState(2)).tensors[0]!.data)).not.toEqual(Array.from((await a.exportState(3)).tensors[0]!.data));
      const saved = await a.exportState(3);
      const info = await writeCheckpoint(join(root, 'ckpt'), { step: 3, epoch: 0, score: null, tensors: saved.tensors, extra: saved.extra });
      const loaded = await readCheckpoint(info.dir);
      await b.importState({ step: loaded.step, tensors: loaded.tensors, extra: loaded.extra ?? {} });
      const restored = await b.exportState(3);
      expect(restored.step).toBe(3);
      expect(restored.tensors.map((t) => t.name)).toEqual(saved.tensors.map((t) => t.name));
      expect(restored.tensors.some((t) => t.name.includes('optimizer') || t.name.includes(':'))).toBe(true);
      restored.tensors.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(saved.tensors[i]!.data)));
      // The next step (an adversary step, then a localizer step) is identical on both.
      for (const s of [3, 4]) {
        const ra = await a.trainStep([image(7), image(8)], [[2], [1]], s, config.lr);
        const rb = await b.trainStep([image(7), image(8)], [[2], [1]], s, config.lr);
        expect(rb).toEqual(ra);
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('lowers the classification loss; cam masks beat the all-background mask', async () => {
    const data = join(root, 'shapes');
    await writeShapesVoc(data, { train: 24, val: 6, seed: 11 });
    const runDir = join(root, 'run');
    const config: TrainConfig = {
      ...SMALL_TRAIN_CONFIG,
      backend: 'wasm',
      imageSize: 48,
      batchSize: 8,
      epochs: 16,
      lr: 3e-3,
      locSteps: 4,
      advSteps: 2,
      cropMinScale: 0.6,
      sampleEvery: 0,
      checkpointEvery: 100,
    };
    const result = await runTraining({ type: 'start', config, datasetRoot: data, runDir, resume: false }, { emit: () => undefined, control: new RunControl() }, createEngine);
    expect(result).toMatchObject({ step: 48, reason: 'completed' });
    const bce = (await readMetrics(runDir)).filter((r) => r.phase === 'localizer').map((r) => r.bce as number);
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(bce.slice(-6))).toBeLessThan(mean(bce.slice(0, 6)) - 0.1);

    // A from-scratch tiny net sees 48 px crops through a 6×6 feature map: its cams find every shape
    // (recall ≈ 1) but overflow it, so the mask threshold is 0.5 here rather than the default 0.3.
    const masks = join(root, 'masks');
    await runInfer({ run: runDir, dataset: data, split: 'val', out: masks, threshold: 0.5, labels: 'gt', labelThreshold: 0.5, scales: [1], flip: true, checkpoint: 'last', maxSide: null });
    const cams = await runEval({ pred: masks, dataset: data, split: 'val' });
    const allBackground = await runEval({ pred: join(root, 'none'), dataset: data, split: 'val', missingAsBackground: true });
    expect(cams.miou).not.toBeNull();
    expect(cams.miou!).toBeGreaterThan(allBackground.miou! + 0.05);
  });
});
