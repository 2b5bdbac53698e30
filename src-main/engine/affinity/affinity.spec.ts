import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@shared/domain/dataset';
import { Classifier } from '../classifier';
import { makeRng } from '../rng';
import { useTestBackend } from '../../testing/tf-backend';
import { AffinityModel, AFFINITY_TRAIN_DEFAULTS } from './affinity-model';
import { AffinityHead, walkGrid } from './head';
import { affinityLoss, pairMasks } from './loss';
import { SEED_IGNORE, flipSeeds, seedLabels } from './seeds';

beforeAll(async () => useTestBackend('cpu'));

const EPS = 1e-5;

describe('backbone stages', () => {
  it.each(['tiny', 'resnet18'] as const)('%s: shallow to deep at their strides, the last equal to features()', async (kind) => {
    const net = new Classifier(kind, 2, makeRng(5), { momentum: 0.1, epsilon: 1e-5 });
    const x = tf.randomUniform([1, 64, 48, 3], -1, 1, 'float32', 9) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const stages = net.backbone.stages(x);
    expect(tf.memory().numTensors).toBe(before + stages.length); // only the outputs stay
    expect(stages.map((s) => [s.shape[1], s.shape[2]])).toEqual(net.backbone.stageStrides.map((st) => [Math.ceil(64 / st), Math.ceil(48 / st)]));
    const features = net.backbone.features(x, false);
    const last = stages[stages.length - 1]!;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(last, features))));
    expect((await diff.data())[0]).toBeLessThan(1e-5);
    tf.dispose([x, features, diff, ...stages]);
    net.dispose();
  });
});

describe('seeds', () => {
  it('are the best class where its cam ≥ fg, background where all are < bg, 255 in the band', () => {
    const a = Float32Array.from([0.9, 0.2, 0.01, 0.4, 0.0]);
    const b = Float32Array.from([0.5, 0.1, 0.04, 0.6, 0.3]);
    expect(Array.from(seedLabels([a, b], 5, { fg: 0.3, bg: 0.05 }))).toEqual([1, SEED_IGNORE, 0, 2, 2]);
    expect(Array.from(seedLabels([], 2))).toEqual([0, 0]);
    expect(() => seedLabels([a], 5, { fg: 0.1, bg: 0.2 })).toThrow(/bg ≤ fg/);
    expect(Array.from(flipSeeds(Uint8Array.from([1, 2, 3, 4, 5, 6]), 3, 2))).toEqual([3, 2, 1, 6, 5, 4]);
  });
});

describe('affinity loss', () => {
  it('counts bg-positive, fg-positive and negative pairs, leaving out pairs that touch an ignored seed', () => {
    // 3×2 seeds: row 0 = 0 0 1, row 1 = 255 1 1; radius 1: offsets (0,1) and (1,0)
    const m = pairMasks(Uint8Array.from([0, 0, 1, 255, 1, 1]), 1, 3, 2, 1);
    // (0,1): 0-0 bg, 0-1 neg, 255-1 ignored, 1-1 fg; (1,0): 0-255 ignored, 0-1 neg, 1-1 fg
    expect(m.counts).toEqual({ bgPos: 1, fgPos: 2, neg: 2 });
  });

  it('is ¼·bgpos + ¼·fgpos + ½·neg of −log terms on a hand-made embedding', () => {
    // 3×1 nodes, features 0, 0, 2 (D = 1), seeds bg, bg, fg: pair (0,1) bg-positive with a = 1, pair (1,2) negative with a = e^−2
    const f = tf.tensor4d([0, 0, 2], [1, 1, 3, 1]);
    const loss = affinityLoss(f, pairMasks(Uint8Array.from([0, 0, 1]), 1, 3, 1, 1));
    const expected = 0.25 * -Math.log(1 + EPS) + 0.5 * -Math.log(1 + EPS - Math.exp(-2));
    expect(loss.arraySync()).toBeCloseTo(expected, 5);
    tf.dispose([f, loss]);
  });

  it('has the gradient finite differences give (head parameters, a tiny case)', async () => {
    const rng = makeRng(3);
    const stages = [tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D, tf.randomUniform([1, 3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D];
    const head = new AffinityHead([3, 4], { width: 4, dim: 3, stride: 4 }, rng);
    const seeds = Uint8Array.from({ length: 36 }, (_, i) => [0, 1, 2, 255][(i * 7) % 4]!);
    const masks = pairMasks(seeds, 1, 6, 6, 2);
    const size = { width: 6, height: 6 };
    const lossOf = (): number => tf.tidy(() => affinityLoss(head.embed(stages, size), masks).arraySync());
    const vars = head.store.trainable();
    const { grads } = tf.variableGrads(() => affinityLoss(head.embed(stages, size), masks), vars.map((v) => v.variable));
    for (const name of ['out.weight', 'proj0.weight', 'proj1.bias']) {
      const variable = head.store.get(name);
      const analytic = await grads[variable.name]!.data();
      const values = Float32Array.from(await variable.data());
      for (const i of [0, Math.floor(values.length / 2), values.length - 1]) {
        const h = 1e-3; // small: a larger step crosses ReLU and |Δf| kinks
        const at = (delta: number): number => {
          const v = values.slice();
          v[i] = v[i]! + delta;
          head.store.assign(name, v, variable.shape);
          return lossOf();
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        head.store.assign(name, values, variable.shape);
        expect(Math.abs(analytic[i]! - numeric)).toBeLessThan(2e-4 + 2e-2 * Math.abs(numeric));
      }
    }
    tf.dispose([...stages, ...Object.values(grads)]);
    head.dispose();
  });
});

describe('AffinityModel', () => {
  /** 24×24: left half dark, right half bright; seeds bg on the left, class 1 on the right. */
  function halves(): { image: RgbImage; seeds: Uint8Array } {
    const data = new Uint8Array(24 * 24 * 3);
    for (let y = 0; y < 24; y++) for (let x = 0; x < 24; x++) data.fill(x < 12 ? 20 : 230, (y * 24 + x) * 3, (y * 24 + x) * 3 + 3);
    const grid = walkGrid(24, 24, 4);
    const seeds = Uint8Array.from({ length: grid.width * grid.height }, (_, i) => (i % grid.width < grid.width / 2 ? 0 : 1));
    return { image: { width: 24, height: 24, data }, seeds };
  }

  it('learns the hand-made seeds, round-trips its state and leaks no tensor', async () => {
    const localizer = new Classifier('tiny', 2, makeRng(1), { momentum: 0.1, epsilon: 1e-5 });
    const empty = tf.memory().numTensors;
    AffinityModel.create(localizer).dispose(); // head, optimizer moments and the stage probe all go
    expect(tf.memory().numTensors).toBe(empty);
    const model = AffinityModel.create(localizer, { ...AFFINITY_TRAIN_DEFAULTS, radius: 3, lr: 1e-2 });
    const { image, seeds } = halves();
    expect(model.gridOf(image)).toEqual({ width: 6, height: 6 });
    const before = tf.memory().numTensors;
    const first = await model.loss(image, seeds);
    let last = first;
    for (let i = 0; i < 30; i++) last = (await model.step(image, seeds, { flip: i % 2 === 1 })).loss;
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first * 0.6);
    // The embedding separates the halves: within a half affinities near 1, across it near 0.
    const emb = await model.embedding(image);
    expect(emb).toMatchObject({ width: 6, height: 6, dim: AFFINITY_TRAIN_DEFAULTS.head.dim });
    const aff = (i: number, j: number): number => {
      let s = 0;
      for (let d = 0; d < emb.dim; d++) s += Math.abs(emb.data[i * emb.dim + d]! - emb.data[j * emb.dim + d]!);
      return Math.exp(-s / emb.dim);
    };
    expect(aff(6 * 2 + 0, 6 * 2 + 2)).toBeGreaterThan(aff(6 * 2 + 2, 6 * 2 + 3));
    const state = await model.getState();
    const copy = AffinityModel.create(localizer, { ...AFFINITY_TRAIN_DEFAULTS, radius: 3, lr: 1e-2 });
    copy.setState(state, model.iterations);
    expect(await copy.loss(image, seeds)).toBeCloseTo(await model.loss(image, seeds), 6);
    expect(copy.iterations).toBe(30);
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before); // the copy's head and moments are gone, nothing else stayed
    model.dispose();
    localizer.dispose();
  });
});
