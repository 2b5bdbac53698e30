import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTrain } from './batch-norm-train';
import { useTestBackend } from '../testing/tf-backend';

beforeAll(async () => useTestBackend('cpu'));

describe('batchNormTrain', () => {
  it('matches autodiff through tf.moments + tf.batchNorm, values and gradients', () => {
    const x = tf.randomNormal([3, 4, 5, 6], 1, 2, 'float32', 1) as tf.Tensor4D;
    const gamma = tf.randomUniform([6], 0.5, 1.5, 'float32', 2) as tf.Tensor1D;
    const beta = tf.randomNormal([6], 0, 1, 'float32', 3) as tf.Tensor1D;
    const r = tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 4);
    const stats: number[][] = [];
    const custom = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(batchNormTrain(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, (m, v) => stats.push(Array.from(m.dataSync()), Array.from(v.dataSync()))), r));
    const reference = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(a as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5), r));
    };
    const got = tf.grads(custom)([x, gamma, beta]);
    const want = tf.grads(reference)([x, gamma, beta]);
    got.forEach((g, i) => {
      const a = g.dataSync();
      const b = want[i]!.dataSync();
      expect(a.length).toBe(b.length);
      a.forEach((v, j) => expect(v).toBeCloseTo(b[j] ?? NaN, 3));
    });
    expect(custom(x, gamma, beta).dataSync()[0]).toBeCloseTo(reference(x, gamma, beta).dataSync()[0] ?? NaN, 3);
    const { mean } = tf.moments(x, [0, 1, 2]);
    expect(stats[0]?.[2]).toBeCloseTo(mean.dataSync()[2] ?? NaN, 5);
  });

  it('keeps nothing when no gradient is recorded', () => {
    const x = tf.randomNormal([2, 3, 3, 4]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    tf.tidy(() => batchNormTrain(x, tf.ones([4]), tf.zeros([4]), 1e-5, () => undefined)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
