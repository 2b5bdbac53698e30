/**
 * Row selection that is differentiable on every backend. tf.gather's gradient needs
 * UnsortedSegmentSum, which the wasm backend lacks; slices + concat back-propagate with Pad and
 * Slice, which all backends have. Consecutive runs of indices become one slice.
 */
import * as tf from '@tensorflow/tfjs';

/** x[indices] along axis 0, e.g. per-pair feature maps from per-image ones. */
export function gatherRows<T extends tf.Tensor>(x: T, indices: Int32Array): T {
  const n = x.shape[0] ?? 0;
  for (const i of indices) if (i < 0 || i >= n) throw new Error(`row index ${i} outside 0..${n - 1}`);
  if (indices.length === n && indices.every((v, i) => v === i)) return x.clone();
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    let start = 0;
    while (start < indices.length) {
      let end = start + 1;
      while (end < indices.length && indices[end] === (indices[end - 1] ?? 0) + 1) end++;
      const begin = indices[start] ?? 0;
      parts.push(tf.slice(x, begin, end - start));
      start = end;
    }
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 0)) as T;
  });
}
