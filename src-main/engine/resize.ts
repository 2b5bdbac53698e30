/**
 * Bilinear resizing as two interpolation matrices and matMul: out = Ry · x · Rxᵀ. Matches
 * PyTorch's F.interpolate(mode='bilinear', align_corners=False) (half-pixel centres, negative
 * source coordinates clamped to 0). Used instead of tf.image.resizeBilinear, whose gradient is
 * wrong on the cpu and wasm backends; this one is exact in both directions.
 */
import * as tf from '@tensorflow/tfjs';

const cache = new Map<string, Float32Array>();

/** [outSize, inSize] row-stochastic interpolation matrix. */
export function interpolationMatrix(inSize: number, outSize: number): Float32Array {
  const key = `${inSize}>${outSize}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const m = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const src = Math.max((i + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const lambda = Math.min(src - i0, 1);
    m[i * inSize + i0]! += 1 - lambda;
    m[i * inSize + i1]! += lambda;
  }
  if (cache.size > 64) cache.clear();
  cache.set(key, m);
  return m;
}

/** x [P,h,w] → [P,H,W]. */
export function resizeBilinear3d(x: tf.Tensor3D, height: number, width: number): tf.Tensor3D {
  const [, h, w] = x.shape;
  if (h === height && w === width) return x.clone();
  return tf.tidy(() => {
    const ry = tf.tensor2d(interpolationMatrix(h, height), [height, h]);
    const rxT = tf.tensor2d(interpolationMatrix(w, width), [width, w]).transpose();
    const rows = tf.matMul(x, rxT); // [P,h,W]
    return tf.matMul(ry, rows); // [P,H,W] (ry broadcast over P)
  });
}
