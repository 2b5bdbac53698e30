import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { atrousConv2d } from './atrous';
import { useTestBackend } from '../testing/tf-backend';

beforeAll(async () => useTestBackend('cpu'));

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

describe('atrousConv2d', () => {
  it.each([
    [2, 7, 7],
    [2, 8, 6],
    [3, 9, 10],
    [4, 5, 11],
  ])('rate %i on %i×%i equals tfjs’s dilated conv2d with PyTorch padding rate·(k−1)/2', (rate, H, W) => {
    const x = seeded([2, H, W, 3], 1) as tf.Tensor4D;
    const w = seeded([3, 3, 3, 4], 2) as tf.Tensor4D;
    const ours = atrousConv2d(x, w, rate);
    const theirs = tf.conv2d(x, w, 1, rate, 'NHWC', rate); // explicit padding `rate` on every side, dilation `rate`
    expect(ours.shape).toEqual([2, H, W, 4]);
    const a = ours.dataSync();
    const b = theirs.dataSync();
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
    tf.dispose([x, w, ours, theirs]);
  });

  it('has the finite-difference gradient with respect to input and kernel (tfjs has none for dilated conv2d)', () => {
    const x = seeded([1, 6, 5, 2], 3) as tf.Tensor4D;
    const w = seeded([3, 3, 2, 2], 4) as tf.Tensor4D;
    const g = seeded([1, 6, 5, 2], 5);
    const f = (xv: tf.Tensor, wv: tf.Tensor): tf.Scalar => tf.sum(tf.mul(atrousConv2d(xv as tf.Tensor4D, wv as tf.Tensor4D, 2), g));
    const [dx, dw] = tf.grads(f)([x, w]);
    const eps = 1e-2;
    const numeric = (t: tf.Tensor, i: number, other: (v: tf.Tensor) => tf.Scalar): number => {
      const data = t.dataSync().slice();
      data[i]! += eps;
      const up = other(tf.tensor(data, t.shape)).dataSync()[0]!;
      data[i]! -= 2 * eps;
      const down = other(tf.tensor(data, t.shape)).dataSync()[0]!;
      return (up - down) / (2 * eps);
    };
    const dxData = dx!.dataSync();
    const dwData = dw!.dataSync();
    for (const i of [0, 7, 19, 33, 59]) expect(dxData[i]).toBeCloseTo(numeric(x, i, (v) => f(v, w)), 2);
    for (const i of [0, 5, 17, 30, 35]) expect(dwData[i]).toBeCloseTo(numeric(w, i, (v) => f(x, v)), 2);
    tf.dispose([x, w, g, dx!, dw!]);
  });

  it('is a plain conv at rate 1 and refuses even kernels and fractional rates', () => {
    const x = seeded([1, 4, 4, 1], 6) as tf.Tensor4D;
    expect(() => atrousConv2d(x, tf.zeros([2, 2, 1, 1]) as tf.Tensor4D, 2)).toThrow(/odd square kernel/);
    expect(() => atrousConv2d(x, tf.zeros([3, 3, 1, 1]) as tf.Tensor4D, 1.5)).toThrow(/whole number/);
    const w = seeded([3, 3, 1, 1], 7) as tf.Tensor4D;
    expect(Array.from(atrousConv2d(x, w, 1).dataSync())).toEqual(Array.from(tf.conv2d(x, w, 1, 1).dataSync()));
  });
});
