import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../index';
import { setConvBackpropStrategy } from './conv-backprop';
import { setIm2colChunkFloats } from './geometry';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

function random(shape: number[], seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** Max |a-b| / max(1, |b|): absolute for small values, relative for large ones. */
function maxError(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

async function onBackend<T>(name: 'cpu' | 'wasm', fn: () => T): Promise<T> {
  await tf.setBackend(name);
  return fn();
}

interface Case {
  b: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  s: number;
  pad: Pad;
}

const cases: Case[] = [];
for (const k of [1, 3, 7])
  for (const s of [1, 2])
    for (const pad of ['same', 'valid', [[0, 0], [1, 2], [2, 0], [0, 0]]] as Pad[]) {
      if (k === 1 && Array.isArray(pad)) continue;
      cases.push({ b: 2, h: k === 7 ? 12 : 9, w: k === 7 ? 11 : 8, ci: 3, co: 5, k, s, pad });
    }
cases.push({ b: 3, h: 8, w: 8, ci: 16, co: 8, k: 3, s: 2, pad: 'same' });

function gradients(c: Case) {
  const x = tf.tensor4d(random([c.b, c.h, c.w, c.ci], 1), [c.b, c.h, c.w, c.ci]);
  const w = tf.tensor4d(random([c.k, c.k, c.ci, c.co], 2), [c.k, c.k, c.ci, c.co]);
  const y = tf.conv2d(x, w, c.s, c.pad);
  const dy = tf.tensor(random(y.shape, 3), y.shape) as tf.Tensor4D;
  const dx = tf.conv2dTranspose(dy, w, x.shape, c.s, c.pad);
  const dw = tf.grad((filter: tf.Tensor) => tf.conv2d(x, filter as tf.Tensor4D, c.s, c.pad).mul(dy).sum())(w);
  const out = { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  tf.dispose([x, w, y, dy, dx, dw]);
  return out;
}

describe('wasm conv backward kernels', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it.each(cases)('match cpu on every path: k$k s$s pad $pad ($h×$w×$ci→$co)', async (c) => {
    const expected = await onBackend('cpu', () => gradients(c));
    const paths = [
      { dx: 'forward-conv', dw: 'dilated-conv' },
      { dx: 'col2im', dw: 'im2col' },
    ] as const;
    try {
      for (const path of paths) {
        setConvBackpropStrategy(path);
        const got = await onBackend('wasm', () => gradients(c));
        expect(maxError(got.dx, expected.dx), `dx ${path.dx}`).toBeLessThan(1e-4);
        expect(maxError(got.dw, expected.dw), `dw ${path.dw}`).toBeLessThan(1e-4);
      }
    } finally {
      setConvBackpropStrategy({ dx: 'auto', dw: 'auto' });
    }
  });

  it('gives the same result when the batch is split into im2col chunks', async () => {
    const c: Case = { b: 4, h: 9, w: 9, ci: 4, co: 6, k: 3, s: 2, pad: 'same' };
    const whole = await onBackend('wasm', () => gradients(c));
    const previous = setIm2colChunkFloats(1);
    try {
      const chunked = await onBackend('wasm', () => gradients(c));
      expect(maxError(chunked.dx, whole.dx)).toBeLessThan(1e-6);
      expect(maxError(chunked.dw, whole.dw)).toBeLessThan(1e-6);
    } finally {
      setIm2colChunkFloats(previous);
    }
  });

  it('transposed matMul matches cpu', async () => {
    const run = () => {
      const a = tf.tensor3d(random([2, 7, 5], 4), [2, 7, 5]);
      const b = tf.tensor3d(random([2, 6, 7], 5), [2, 6, 7]);
      const out = [tf.matMul(a, b, true, true), tf.matMul(a, a, true, false), tf.matMul(b, b, false, true)];
      const values = out.map((t) => t.dataSync() as Float32Array);
      tf.dispose([a, b, ...out]);
      return values;
    };
    const expected = await onBackend('cpu', run);
    const got = await onBackend('wasm', run);
    got.forEach((values, i) => expect(maxError(values, expected[i]!)).toBeLessThan(1e-5));
  });

  it.each([
    { dx: 'forward-conv', dw: 'dilated-conv', s: 1 },
    { dx: 'col2im', dw: 'im2col', s: 1 },
    { dx: 'col2im', dw: 'dilated-conv', s: 2 },
  ] as const)('leaks no tensors and no wasm memory ($dx, $dw, stride $s)', async ({ dx, dw, s }) => {
    await tf.setBackend('wasm');
    setConvBackpropStrategy({ dx, dw });
    try {
      const c: Case = { b: 2, h: 9, w: 9, ci: 3, co: 4, k: 3, s, pad: 'same' };
      gradients(c);
      const before = tf.memory().numTensors;
      const backend = tf.backend() as unknown as { numDataIds(): number };
      const ids = backend.numDataIds();
      gradients(c);
      expect(tf.memory().numTensors).toBe(before);
      expect(backend.numDataIds()).toBe(ids);
    } finally {
      setConvBackpropStrategy({ dx: 'auto', dw: 'auto' });
    }
  });

  it('tiles like the cpu backend', async () => {
    const run = () => {
      const x = tf.tensor(random([2, 1, 3], 9), [2, 1, 3]);
      const out = [tf.tile(x, [2, 4, 1]), tf.tile(x, [1, 1, 3]), tf.tile(x.reshape([6]), [3])];
      const values = out.map((t) => t.dataSync() as Float32Array);
      tf.dispose([x, ...out]);
      return values;
    };
    const expected = await onBackend('cpu', run);
    const got = await onBackend('wasm', run);
    got.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(expected[i]!)));
  });
});
