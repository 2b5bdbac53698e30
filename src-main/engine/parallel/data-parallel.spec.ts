import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTrainBatch } from '../augment';
import { EaderModel, type TrainBatch } from '../eader-model';
import { makeRng } from '../rng';
import { testEngineConfig } from '../../testing/engine-config';
import type { GradientResult } from '../types';
import { useTestBackend } from '../../testing/tf-backend';
import { SYNTHETIC_SIZE, syntheticSquares } from '../../testing/images';
import { DataParallelTrainer } from './data-parallel';

beforeAll(async () => useTestBackend('wasm'));

const S = SYNTHETIC_SIZE;
const synthetic = syntheticSquares;

const base = testEngineConfig({ numClasses: 2, backbone: 'tiny', adversary: 'tiny', imageSize: S, cropMinScale: 0.6, locSteps: 2, advSteps: 2, seed: 3 });
const data = synthetic(8, 1);

function batchAt(model: EaderModel, i: number, size = 4): TrainBatch {
  const from = (i * size) % data.images.length;
  return makeTrainBatch(data.images.slice(from, from + size), data.labels.slice(from, from + size), model.config, makeRng(100 + i));
}

function trainable(model: EaderModel): Float32Array[] {
  const nets = model.adversary ? [model.localizer, model.adversary] : [model.localizer];
  return nets.flatMap((net) => net.store.trainable().map(({ variable }) => Float32Array.from(variable.dataSync() as Float32Array)));
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let max = 0;
  a.forEach((x, i) => x.forEach((v, j) => (max = Math.max(max, Math.abs(v - (b[i]?.[j] ?? Number.NaN))))));
  return max;
}

describe('DataParallelTrainer', () => {
  it('applies the sum of the two halves\' scaled gradients (ghost batches in one thread) in both phases', async () => {
    // Plain SGD with lr 1: each step moves the weights by exactly −gradient.
    const config = { ...base, optimizer: 'sgd', lr: 1, momentum: 0, weightDecay: 0 } as const;
    const master = await EaderModel.create(config);
    const reference = await EaderModel.create(config);
    const parallel = await DataParallelTrainer.start(master);
    try {
      for (let i = 0; i < 3; i++) {
        // steps 0,1: localizer; step 2: adversary
        const before = trainable(master);
        expect(maxAbsDiff(before, trainable(reference))).toBe(0);
        const batch = batchAt(master, i);
        const parallelResult = await parallel.step(batch);
        // Ghost batches: images 0..1 and 2..3, each scaled by its share of images and of pairs.
        const labels = batch.labels.arraySync();
        const pairsOf = (rows: number[][]) => rows.flat().filter((v) => v > 0).length;
        const total = pairsOf(labels);
        const halves = [0, 2].map((from) => ({
          images: tf.slice(batch.images, [from, 0, 0, 0], [2, S, S, 3]),
          labels: tf.slice(batch.labels, [from, 0], [2, 2]),
          scale: { images: 0.5, pairs: pairsOf(labels.slice(from, from + 2)) / total },
        }));
        const results: GradientResult[] = [];
        for (const h of halves) results.push(await reference.computeGradients({ images: h.images, labels: h.labels }, h.scale));
        const sum: Record<string, Float32Array> = {};
        for (const [name, g] of Object.entries(results[0]?.grads ?? {})) sum[name] = g.map((v, j) => v + (results[1]?.grads?.[name]?.[j] ?? 0));
        reference.applyGradients(results[0]!.phase, sum);
        tf.dispose([batch.images, batch.labels, ...halves.flatMap((h) => [h.images, h.labels])]);

        expect(parallelResult.phase).toBe(i < 2 ? 'localizer' : 'adversary');
        expect(parallelResult.losses.total).toBeCloseTo((results[0]?.losses.total ?? 0) + (results[1]?.losses.total ?? 0), 5);
        const after = trainable(master);
        const moved = maxAbsDiff(before, after);
        expect(moved).toBeGreaterThan(1e-4); // the step did something
        expect(maxAbsDiff(after, trainable(reference))).toBeLessThan(1e-4 * Math.max(1, moved));
      }
      expect(parallel.stats.parallelSteps).toBe(3);
    } finally {
      await parallel.dispose();
      master.dispose();
      reference.dispose();
    }
  });

  it('keeps the worker identical to the master, learns like one thread, and leaks no tensor', async () => {
    const config = { ...base, locSteps: 4, advSteps: 2, optimizer: 'adam', lr: 3e-3, weightDecay: 0 } as const;
    const master = await EaderModel.create(config);
    const single = await EaderModel.create(config);
    const parallel = await DataParallelTrainer.start(master, { checkEvery: 1 });
    try {
      const warm = batchAt(master, 0);
      await parallel.step(warm);
      await single.step(warm);
      tf.dispose([warm.images, warm.labels]);
      const tensorsBefore = tf.memory().numTensors;
      const bce: { parallel: number[]; single: number[] } = { parallel: [], single: [] };
      for (let i = 1; i < 13; i++) {
        const batch = batchAt(master, i, 8);
        const p = await parallel.step(batch);
        const s = await single.step(batch);
        tf.dispose([batch.images, batch.labels]);
        if (p.phase === 'localizer') bce.parallel.push(p.losses.bce);
        if (s.phase === 'localizer') bce.single.push(s.losses.bce);
      }
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(await parallel.workerChecksum()).toBe(await master.trainableChecksum());
      expect(parallel.stats).toEqual({ parallelSteps: 13, resyncs: 0 });
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      for (const xs of [bce.parallel, bce.single]) expect(mean(xs.slice(-3))).toBeLessThan(mean(xs.slice(0, 3)));
      expect(mean(bce.parallel.slice(-3))).toBeLessThan(1.5 * mean(bce.single.slice(-3)) + 0.05);
    } finally {
      await parallel.dispose();
      master.dispose();
      single.dispose();
    }
  });

  it('re-synchronises a drifted worker, and falls back to one thread when the worker dies', async () => {
    const master = await EaderModel.create({ ...base, optimizer: 'adam', lr: 1e-3, weightDecay: 0 });
    const warnings: string[] = [];
    const parallel = await DataParallelTrainer.start(master, { checkEvery: 1, onWarning: (m) => warnings.push(m) });
    try {
      // Drift: change one master weight behind the worker's back.
      const w = master.localizer.store.get('fc.bias');
      w.assign(tf.tidy(() => tf.add(w, 0.5)));
      let batch = batchAt(master, 0);
      await parallel.step(batch);
      tf.dispose([batch.images, batch.labels]);
      expect(await parallel.workerChecksum()).toBe(await master.trainableChecksum());
      expect(parallel.stats.resyncs).toBe(1);
      expect(warnings.join()).toMatch(/re-synchronised/);

      await parallel.worker?.terminate();
      batch = batchAt(master, 1);
      const r = await parallel.step(batch);
      tf.dispose([batch.images, batch.labels]);
      expect(r.step).toBe(1);
      expect(master.globalStep).toBe(2);
      expect(parallel.replicas).toBe(1);
      expect(warnings.join()).toMatch(/train worker was terminated\. Training goes on in one thread/);
    } finally {
      await parallel.dispose();
      master.dispose();
    }
  });
});
