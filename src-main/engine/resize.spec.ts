import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { interpolationMatrix, resizeBilinear3d } from './resize';
import { useTestBackend } from '../testing/tf-backend';

beforeAll(async () => useTestBackend('cpu'));

describe('resizeBilinear3d (align_corners=False)', () => {
  it('upsamples 2→4 with half-pixel centres and edge clamping', () => {
    // source coordinates: −0.25→0, 0.25, 0.75, 1.25→clamped to the last pixel
    const m = interpolationMatrix(2, 4);
    expect(Array.from(m)).toEqual([1, 0, 0.75, 0.25, 0.25, 0.75, 0, 1]);
    const out = resizeBilinear3d(tf.tensor3d([[[0, 4], [8, 12]]]), 4, 4);
    const row1 = Array.from(out.dataSync().slice(4, 8)); // y = 1: 0.75·row0 + 0.25·row1
    expect(row1).toEqual([2, 3, 5, 6]);
    out.dispose();
  });

  it('has the exact adjoint as its gradient (Ryᵀ·g·Rx)', () => {
    const x = tf.randomUniform([1, 3, 2]) as tf.Tensor3D;
    const g = tf.randomUniform([1, 5, 4]) as tf.Tensor3D;
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(resizeBilinear3d(v as tf.Tensor3D, 5, 4), g)))(x);
    const ry = tf.tensor2d(interpolationMatrix(3, 5), [5, 3]);
    const rx = tf.tensor2d(interpolationMatrix(2, 4), [4, 2]);
    const expected = tf.matMul(tf.matMul(ry, tf.reshape(g, [5, 4]), true), rx);
    const a = grad.dataSync();
    const b = expected.dataSync();
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i] ?? NaN, 5));
  });

  it('also downsamples, rows summing to one', () => {
    const m = interpolationMatrix(8, 3);
    for (let r = 0; r < 3; r++) expect(m.slice(r * 8, r * 8 + 8).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });
});
