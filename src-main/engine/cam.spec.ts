import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeCams, minMaxNormalize, pairsFromLabels, pairsFromLists, rawCams, type CamSource } from './cam';
import { Classifier } from './classifier';
import { makeRng } from './rng';
import { useTestBackend } from '../testing/tf-backend';

beforeAll(async () => useTestBackend('cpu'));

const B = 2, H = 2, W = 3, C = 2, K = 3;
const featureValues = Array.from({ length: B * H * W * C }, (_, i) => ((i * 7) % 11) / 10); // ≥ 0
const denseW = [
  [0.5, 1.0, 0.2],
  [1.5, 0.1, 0.7],
]; // [C,K], ≥ 0

/** A toy head whose gradient varies over space: logits = dense(GAP(F²)). */
function squareHead(): CamSource {
  const w = tf.tensor2d(denseW);
  return { numClasses: K, fcWeight: w, head: (f) => tf.matMul(tf.mean(tf.square(f), [1, 2]) as tf.Tensor2D, w) };
}
function linearHead(): CamSource {
  const w = tf.tensor2d(denseW);
  return { numClasses: K, fcWeight: w, head: (f) => tf.matMul(tf.mean(f, [1, 2]) as tf.Tensor2D, w) };
}
const F = (b: number, y: number, x: number, c: number) => featureValues[((b * H + y) * W + x) * C + c] ?? NaN;

describe('pairs', () => {
  it('gives one row per (image, positive class)', () => {
    const pairs = pairsFromLabels([1, 1, 1, 0, 0, 1], 2, 3);
    expect(Array.from(pairs.imageIndex)).toEqual([0, 0, 0, 1]);
    expect(Array.from(pairs.classIndex)).toEqual([0, 1, 2, 2]);
    expect(() => pairsFromLists([[3]], 3)).toThrow(/outside/);
  });
});

describe('Grad-CAM', () => {
  it('matches a hand computation on a toy network', () => {
    const features = tf.tensor4d(featureValues, [B, H, W, C]);
    const pairs = pairsFromLists([[0, 2], [1]], K);
    const cams = rawCams(squareHead(), features, pairs, 'gradcam').arraySync();
    // ∂logit_k/∂F[y,x,c] = 2·F[y,x,c]·W[c,k]/(H·W); w_c = spatial mean of that.
    pairs.imageIndex.forEach((b, p) => {
      const k = pairs.classIndex[p] ?? 0;
      const weights = [0, 1].map((c) => {
        let s = 0;
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) s += (2 * F(b, y, x, c) * (denseW[c]?.[k] ?? 0)) / (H * W);
        return s / (H * W);
      });
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const expected = Math.max(0, weights[0]! * F(b, y, x, 0) + weights[1]! * F(b, y, x, 1));
          expect(cams[p]?.[y]?.[x]).toBeCloseTo(expected, 5);
        }
      }
    });
  });

  it('equals CAM after normalisation for GAP + dense', () => {
    const features = tf.tensor4d(featureValues, [B, H, W, C]);
    const pairs = pairsFromLists([[0, 1, 2], [2]], K);
    const grad = computeCams(linearHead(), features, pairs, 'gradcam', 5, 7).dataSync();
    const cam = computeCams(linearHead(), features, pairs, 'cam', 5, 7).dataSync();
    expect(grad.length).toBe(4 * 5 * 7);
    grad.forEach((v, i) => expect(v).toBeCloseTo(cam[i] ?? NaN, 5));
    expect(Math.max(...grad)).toBeCloseTo(1, 5);
    expect(Math.min(...grad)).toBeCloseTo(0, 5);
  });

  it('keeps an all-zero map at zero (no NaN)', () => {
    const out = minMaxNormalize(tf.stack([tf.zeros([2, 2]), tf.tensor2d([[1, 3], [2, 5]])]) as tf.Tensor3D).dataSync();
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(out.slice(4))).toEqual([0, 0.5, 0.25, 1]);
  });

  it('gives a constant map zeros and a zero gradient (no 1/ε blow-up), a varying map its usual gradient', () => {
    const maps = tf.stack([tf.fill([2, 2], 0.7), tf.tensor2d([[1, 3], [2, 5]])]) as tf.Tensor3D; // a 1×1 feature map resized is constant
    expect(Array.from(minMaxNormalize(maps).dataSync())).toEqual([0, 0, 0, 0, 0, 0.5, 0.25, 1]);
    const weights = tf.tensor3d([1, 2, 3, 4, 1, 2, 3, 4], [2, 2, 2]);
    const grad = tf.grad((m: tf.Tensor) => tf.sum(tf.mul(minMaxNormalize(m as tf.Tensor3D), weights)))(maps).dataSync();
    expect(Array.from(grad.slice(0, 4))).toEqual([0, 0, 0, 0]);
    // d/dm of (m − lo)/(hi − lo) for the middle values 3 and 2 (neither min nor max): w/(hi − lo) = w/4
    expect(grad[5]).toBeCloseTo(2 / 4, 5);
    expect(grad[6]).toBeCloseTo(3 / 4, 5);
  });

  it('lets gradients flow through F into the localizer, but not through the Grad-CAM weights', () => {
    const net = new Classifier('tiny', K, makeRng(1), { momentum: 0.1, epsilon: 1e-5 });
    const images = tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const pairs = pairsFromLists([[0], [1, 2]], K);
    const target = tf.randomUniform([3, 16, 16], 0, 1, 'float32', 4);
    const byName = new Map(net.store.trainable().map(({ name, variable }) => [variable.name, name]));
    const { grads } = tf.variableGrads(() => {
      const fwd = net.forward(images, true);
      return tf.sum(tf.mul(computeCams(net, fwd.features, pairs, 'gradcam', 16, 16), target)) as tf.Scalar;
    }, net.trainableVariables());
    const norms = Object.fromEntries(Object.entries(grads).map(([k, g]) => [byName.get(k), tf.norm(g).dataSync()[0] ?? 0]));
    expect(norms['block1.conv.weight']).toBeGreaterThan(0);
    expect(norms['block4.conv.weight']).toBeGreaterThan(0);
    expect(norms['fc.weight'] ?? 0).toBe(0); // w is a constant: no second-order path into the head
    net.dispose();
  });
});
