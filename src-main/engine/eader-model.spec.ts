import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageToTensor, makeTrainBatch } from './augment';
import { EaderModel } from './eader-model';
import { makeRng } from './rng';
import { useTestBackend } from '../testing/tf-backend';
import { testEngineConfig } from '../testing/engine-config';
import { SYNTHETIC_SIZE, syntheticSquares } from '../testing/images';

beforeAll(async () => useTestBackend('wasm'));

const S = SYNTHETIC_SIZE;
const synthetic = syntheticSquares;
const base = { numClasses: 2, backbone: 'tiny', imageSize: S, cropMinScale: 0.6 } as const;

describe('EaderModel', () => {
  it('trains: BCE falls over a few steps, phases alternate, nothing leaks', async () => {
    const model = await EaderModel.create(testEngineConfig({ ...base, adversary: 'tiny', locSteps: 6, advSteps: 2, optimizer: 'adam', lr: 3e-3, weightDecay: 0 }));
    const data = synthetic(8, 1);
    const rng = makeRng(2);
    const warm = makeTrainBatch(data.images, data.labels, model.config, rng);
    await model.step(warm);
    tf.dispose([warm.images, warm.labels]);
    const tensorsBefore = tf.memory().numTensors;
    const results = [];
    for (let i = 0; i < 15; i++) {
      const batch = makeTrainBatch(data.images, data.labels, model.config, rng);
      results.push(await model.step(batch));
      tf.dispose([batch.images, batch.labels]);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(results.map((r) => r.phase[0]).join('')).toBe('lllllaallllllaa'); // steps 1..15, period 6 + 2
    const bce = results.filter((r) => r.phase === 'localizer').map((r) => r.losses.bce);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(bce.slice(-3))).toBeLessThan(mean(bce.slice(0, 3)));
    for (const r of results) {
      expect(r.pairs).toBeGreaterThanOrEqual(8);
      expect(r.losses.reg).toBeGreaterThanOrEqual(0);
      expect(r.losses.reg).toBeLessThanOrEqual(1e-5);
      expect(r.losses.adv).toBeGreaterThan(0);
      expect(r.losses.adv).toBeLessThanOrEqual(0.05);
      expect(r.losses.total).toBeCloseTo(r.phase === 'localizer' ? r.losses.bce + r.losses.reg + r.losses.adv : r.losses.advBce, 4);
    }
    model.dispose();
  });

  it('inference: predict, cams at any size, erasure rounds — in range, no leaks', async () => {
    const model = await EaderModel.create(testEngineConfig({ ...base, adversary: 'shared' }));
    const { images } = synthetic(2, 3);
    const x = tf.concat([imageToTensor(images[0]!), imageToTensor(images[1]!)]) as tf.Tensor4D;
    const first = tf.squeeze(x.slice(0, 1), [0]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const probs = await model.predict(x);
    expect(probs.length).toBe(4);
    for (const p of probs) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    const cams = await model.cams(x, [[0, 1], [1]], { width: 50, height: 40 });
    expect(cams.map((c) => c.map((m) => m.classIndex))).toEqual([[0, 1], [1]]);
    for (const m of cams.flat()) {
      expect(m.cam.length).toBe(2000);
      expect(Math.min(...m.cam)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...m.cam)).toBeLessThanOrEqual(1 + 1e-6);
    }
    const rounds = await model.erasureSample(first, [0, 1]);
    expect(rounds).toHaveLength(2);
    for (const r of rounds) {
      expect(r.cam.length).toBe(S * S);
      expect(r.softMask.length).toBe(S * S);
      expect(r.erased.length).toBe(S * S * 3);
      expect(r.adversaryProb).toBeGreaterThan(0);
      r.softMask.forEach((m, i) => expect(m).toBeCloseTo(1 / (1 + Math.exp(-100 * ((r.cam[i] ?? 0) - 0.5))), 4));
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('getState/setState restores weights, BN statistics, optimizer moments and step', async () => {
    const cfg = testEngineConfig({ ...base, adversary: 'tiny', locSteps: 2, advSteps: 1, optimizer: 'sgd', lr: 0.01 });
    const data = synthetic(4, 5);
    const a = await EaderModel.create(cfg);
    const batches = [0, 1, 2, 3].map(() => makeTrainBatch(data.images, data.labels, a.config, makeRng(8)));
    for (const b of batches.slice(0, 3)) await a.step(b);
    const state = await a.getState();
    expect(state.step).toBe(3);
    expect(state.tensors.some((t) => t.name.startsWith('optimizer:adversary/momentum/'))).toBe(true);
    const b = await EaderModel.create({ ...cfg, seed: 123 });
    expect(() => b.setState({ ...state, tensors: state.tensors.slice(1) })).toThrow(/state has no tensor localizer\//);
    expect(b.globalStep).toBe(0); // a rejected state changes nothing
    b.setState(state);
    expect(b.globalStep).toBe(3);
    const ra = await a.step(batches[3]!);
    const rb = await b.step(batches[3]!);
    expect(rb.phase).toBe(ra.phase);
    expect(rb.losses.bce).toBeCloseTo(ra.losses.bce, 6);
    expect(rb.losses.adv).toBeCloseTo(ra.losses.adv, 6);
    a.dispose();
    b.dispose();
  });

  it("adversary 'none' only trains the localizer", async () => {
    const model = await EaderModel.create(testEngineConfig({ ...base, adversary: 'none', locSteps: 1, advSteps: 1 }));
    const data = synthetic(2, 9);
    const batch = makeTrainBatch(data.images, data.labels, model.config, makeRng(1));
    const phases = [await model.step(batch), await model.step(batch)].map((r) => r.phase);
    expect(phases).toEqual(['localizer', 'localizer']);
    expect((await model.step(batch)).losses.adv).toBe(0);
    await expect(model.step({ images: batch.images, labels: tf.zeros([2, 3]) })).rejects.toThrow(/labels must be \[2,2\]/);
    model.dispose();
  });

  it('steps through batches without any positive label (no pairs) in both phases', async () => {
    const model = await EaderModel.create(testEngineConfig({ ...base, adversary: 'tiny', locSteps: 1, advSteps: 1 }));
    const images = tf.randomNormal([2, S, S, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const labels = tf.zeros([2, 2]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const [loc, adv] = [await model.step({ images, labels }), await model.step({ images, labels })];
    expect([loc?.phase, adv?.phase]).toEqual(['localizer', 'adversary']);
    expect([loc?.pairs, loc?.losses.adv, adv?.losses.advBce]).toEqual([0, 0, 0]);
    expect(loc?.losses.bce).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
