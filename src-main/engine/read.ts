/**
 * Reading tensor data back to JavaScript, the one way the engine does it: asynchronously. On the
 * webgpu backend a synchronous read (dataSync/arraySync) throws in Node and returns zeros in
 * Chromium, so nothing on the training or inference path reads synchronously (a lint rule in
 * eslint.config.js holds src-main to it). Each helper copies, so the result outlives the tensor.
 */
import type * as tf from '@tensorflow/tfjs';

/** The values of `t` as a fresh Float32Array. */
export async function readFloats(t: tf.Tensor): Promise<Float32Array> {
  return Float32Array.from((await t.data()) as Float32Array | Int32Array);
}

/** The values of `t`, then dispose it (also when the read fails). */
export async function takeFloats(t: tf.Tensor): Promise<Float32Array> {
  try {
    return await readFloats(t);
  } finally {
    t.dispose();
  }
}

/** Read several tensors at once (one wait for the device), then dispose them. */
export async function takeAll<K extends string>(tensors: Record<K, tf.Tensor>): Promise<Record<K, Float32Array>> {
  const keys = Object.keys(tensors) as K[];
  try {
    const values = await Promise.all(keys.map((k) => readFloats(tensors[k])));
    return Object.fromEntries(keys.map((k, i) => [k, values[i]])) as Record<K, Float32Array>;
  } finally {
    for (const k of keys) tensors[k].dispose();
  }
}
