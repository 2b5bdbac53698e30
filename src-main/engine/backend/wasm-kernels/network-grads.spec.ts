import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../index';

function random(n: number, seed: number, scale = 1): Float32Array {
  let s = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return out;
}

/** conv s2 → batchNorm → relu → maxPool → conv s1 → conv 1×1 s2 → GAP → dense → sigmoid BCE. */
function variable(init: tf.Tensor, name: string): tf.Variable {
  const v = tf.variable(init, true, `${name}-${tf.getBackend()}`);
  init.dispose();
  return v;
}

function lossAndGrads() {
  const image = tf.tensor4d(random(2 * 16 * 16 * 3, 11), [2, 16, 16, 3]);
  const labels = tf.tensor2d([1, 0, 1, 0, 1, 1], [2, 3]);
  const shapes: Record<string, number[]> = { w1: [7, 7, 3, 8], w2: [3, 3, 8, 8], w3: [1, 1, 8, 12], dense: [12, 3] };
  const vars = Object.fromEntries(
    Object.entries(shapes).map(([name, shape], i) => [
      name,
      variable(tf.tensor(random(shape.reduce((a, b) => a * b), 20 + i, 0.5), shape), name),
    ]),
  ) as Record<string, tf.Variable>;
  const gamma = variable(tf.ones([8]), 'gamma');
  const beta = variable(tf.zeros([8]), 'beta');
  const f = () =>
    tf.tidy(() => {
      let h = tf.conv2d(image, vars.w1 as tf.Tensor4D, 2, 'same');
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      h = tf.relu(tf.batchNorm(h, mean as tf.Tensor1D, variance as tf.Tensor1D, beta, gamma, 1e-5)) as tf.Tensor4D;
      h = tf.maxPool(h, 3, 2, 'same');
      h = tf.relu(tf.conv2d(h, vars.w2 as tf.Tensor4D, 1, 'same'));
      h = tf.conv2d(h, vars.w3 as tf.Tensor4D, 2, 'valid');
      const logits = tf.matMul(tf.mean(h, [1, 2]), vars.dense as tf.Tensor2D);
      return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
    });
  const { value, grads } = tf.variableGrads(f, [...Object.values(vars), gamma, beta]);
  const out = {
    loss: value.dataSync()[0]!,
    grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k.split('-')[0]!, g.dataSync() as Float32Array])),
  };
  tf.dispose([image, labels, value, gamma, beta, ...Object.values(grads), ...Object.values(vars)]);
  return out;
}

describe('whole-network gradients on wasm', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });

  it('match the cpu backend to 1e-4', async () => {
    await tf.setBackend('cpu');
    const expected = lossAndGrads();
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const got = lossAndGrads();
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(got.loss - expected.loss)).toBeLessThan(1e-5);
    expect(Object.keys(got.grads).sort()).toEqual(['beta', 'dense', 'gamma', 'w1', 'w2', 'w3']);
    for (const [name, values] of Object.entries(expected.grads)) {
      const mine = got.grads[name]!;
      let worst = 0;
      let norm = 0;
      for (let i = 0; i < values.length; i++) {
        worst = Math.max(worst, Math.abs(mine[i]! - values[i]!) / Math.max(1, Math.abs(values[i]!)));
        norm = Math.max(norm, Math.abs(values[i]!));
      }
      expect(norm, `${name} gradient is not trivially zero`).toBeGreaterThan(1e-6);
      expect(worst, name).toBeLessThan(1e-4);
    }
  });
});
