import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { eraseImages, softMask } from './erase';
import { adversarialTerm, adversaryLoss, bceWithLogits, camRegularizer } from './losses';
import { useTestBackend } from '../testing/tf-backend';

beforeAll(async () => useTestBackend('cpu'));
const sig = (x: number) => 1 / (1 + Math.exp(-x));

describe('erasing', () => {
  it('soft mask is sigmoid(ω(cam−σ)) and erases image·(1−m)', () => {
    const cams = tf.tensor3d([[[0.5, 1], [0, 0.52]]]);
    const m = softMask(cams, 100, 0.5);
    const mv = m.dataSync();
    expect(mv[0]).toBeCloseTo(0.5, 6);
    expect(mv[1]).toBeGreaterThan(0.999);
    expect(mv[2]).toBeLessThan(1e-6);
    expect(mv[3]).toBeCloseTo(sig(2), 5);
    const erased = eraseImages(tf.ones([1, 2, 2, 3]).mul(2) as tf.Tensor4D, m).dataSync();
    expect(erased[0]).toBeCloseTo(1, 5); // 2·(1−0.5), all 3 channels
    expect(erased[2]).toBeCloseTo(1, 5);
    expect(erased[6]).toBeCloseTo(2, 5);
  });
});

describe('losses', () => {
  it('BCE with logits matches the formula', () => {
    const logits = [2, -1, 0.5, -3];
    const y = [1, 0, 0, 1];
    const expected = -logits.reduce((s, x, i) => s + (y[i]! * Math.log(sig(x)) + (1 - y[i]!) * Math.log(1 - sig(x))), 0) / 4;
    expect(bceWithLogits(tf.tensor2d(logits, [2, 2]), tf.tensor2d(y, [2, 2])).dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it('β-term is β·mean(cam); α-term averages each pair’s own class probability', () => {
    expect(camRegularizer(tf.tensor3d([[[1, 0], [0.5, 0.5]]]), 0.1).dataSync()[0]).toBeCloseTo(0.05, 6);
    const adv = tf.tensor2d([[0, 2, -1], [1, 1, 3]]);
    const expected = (0.05 * (sig(2) + sig(3))) / 2;
    expect(adversarialTerm(adv, Int32Array.from([1, 2]), 0.05).dataSync()[0]).toBeCloseTo(expected, 6);
  });

  it('adversary BCE scores each erased image against its source image’s full label vector', () => {
    const labels = tf.tensor2d([[1, 1, 0], [0, 0, 1]]);
    const advLogits = tf.tensor2d([[0.3, -0.2, 1], [2, 0, -1], [-1, 0.5, 0.2]]);
    const pairTargets = tf.tensor2d([[1, 1, 0], [1, 1, 0], [0, 0, 1]]);
    const got = adversaryLoss(advLogits, labels, Int32Array.from([0, 0, 1])).dataSync()[0];
    expect(got).toBeCloseTo(bceWithLogits(advLogits, pairTargets).dataSync()[0] ?? NaN, 6);
  });
});
