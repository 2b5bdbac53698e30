import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../../testing/tf-backend';
import { targetsOf } from './batch';
import { allowedMatrix, restrictLogits, weightedCrossEntropy } from './loss';

beforeAll(async () => useTestBackend('cpu'));

/** −log softmax(z)[c], by hand. */
const ce = (z: number[], c: number): number => Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[c]!;

function lossOf(logits: number[][], labels: number[], weight = 1, trustedWeights?: number[]) {
  const C = logits[0]!.length;
  const n = labels.length;
  const targets = new Float32Array(n * C);
  const weights = new Float32Array(n);
  targetsOf(Uint8Array.from(labels), C, weight, targets, weights, 0);
  if (trustedWeights) trustedWeights.forEach((w, i) => (weights[i] = labels[i] === 255 ? 0 : w));
  const z = tf.variable(tf.tensor4d(logits.flat(), [1, 1, n, C]));
  const t = tf.tensor4d(targets, [1, 1, n, C]);
  const w = tf.tensor3d(weights, [1, 1, n]);
  const { value, grads } = tf.variableGrads(() => weightedCrossEntropy(z, t, w).loss, [z]);
  const out = { loss: value.dataSync()[0]!, grad: Array.from(grads[z.name]!.dataSync()), perImage: weightedCrossEntropy(z, t, w).perImage.dataSync()[0]! };
  tf.dispose([z, t, w, value, grads]);
  return out;
}

describe('weighted softmax cross-entropy', () => {
  const logits = [
    [2, 0, -1],
    [0.3, 5, 1],
    [-1, 1, 0.5],
  ];

  it('ignores 255 exactly: the mean over the other pixels, no gradient at the ignored one whatever its logits', () => {
    const r = lossOf(logits, [0, 255, 1]);
    expect(r.loss).toBeCloseTo((ce(logits[0]!, 0) + ce(logits[2]!, 1)) / 2, 6);
    expect(r.grad.slice(3, 6).every((g) => g === 0)).toBe(true);
    const wild = lossOf([logits[0]!, [100, -50, 7], logits[2]!], [0, 255, 1]);
    expect(wild.loss).toBeCloseTo(r.loss, 6);
    expect(wild.grad).toEqual(r.grad);
    // the gradient of pixel 0 is (softmax − onehot)/2, as PyTorch's ignore_index mean gives
    const e = logits[0]!.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    r.grad.slice(0, 3).forEach((g, c) => expect(g).toBeCloseTo((e[c]! / s - (c === 0 ? 1 : 0)) / 2, 6));
    expect(r.perImage).toBeCloseTo(ce(logits[0]!, 0) + ce(logits[2]!, 1), 5);
  });

  it('weighs pixels: Σ w·CE / Σ w (a trusted pixel of weight 3 counts three times)', () => {
    const r = lossOf(logits, [0, 255, 1], 1, [1, 5, 3]);
    expect(r.loss).toBeCloseTo((ce(logits[0]!, 0) + 3 * ce(logits[2]!, 1)) / 4, 6);
  });

  it('is 0 with no gradient when every pixel is ignored', () => {
    const r = lossOf(logits, [255, 255, 255]);
    expect(r.loss).toBe(0);
    expect(r.grad.every((g) => g === 0)).toBe(true);
  });

  it('within image labels: the softmax over the allowed classes only (a forbidden class weighs nothing)', () => {
    const z = tf.tensor4d([2, 0, -1, 0.3, 5, 1], [1, 1, 2, 3]);
    const restricted = restrictLogits(z, tf.tensor2d([1, 0, 1], [1, 3]));
    const p = tf.softmax(restricted).dataSync();
    expect(p[1]).toBe(0);
    expect(p[4]).toBe(0);
    expect(p[0]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + Math.exp(-1)), 6);
    expect(p[5]).toBeCloseTo(Math.exp(1) / (Math.exp(0.3) + Math.exp(1)), 6);
    expect(restrictLogits(z, null)).toBe(z);
  });

  it('allowed classes per image: background and its classes; null allows all; a class out of range is refused', () => {
    const m = allowedMatrix([[2], null, []], 3);
    expect(Array.from(m.dataSync())).toEqual([1, 0, 1, 1, 1, 1, 1, 0, 0]);
    m.dispose();
    expect(() => allowedMatrix([[3]], 3)).toThrow(/image class 3 is not one of the segmenter's classes 1\.\.2/);
  });

  it('refuses a label that is no class nor 255', () => {
    expect(() => targetsOf(Uint8Array.from([0, 3]), 3, 1, new Float32Array(6), new Float32Array(2), 0)).toThrow(/mask value 3 is no class \(0\.\.2\) nor 255/);
  });
});
