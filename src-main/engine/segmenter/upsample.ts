/**
 * Bilinear upsampling of an NHWC map through the exact interpolation matrices of ../resize.ts
 * (PyTorch's `F.interpolate(bilinear, align_corners=False)`): exact gradients on every backend,
 * where tfjs's own resizeBilinear gradient is wrong on cpu and wasm (docs/engine.md).
 */
import * as tf from '@tensorflow/tfjs';
import { resizeBilinear3d } from '../resize';

/** x [B,h,w,C] → [B,H,W,C]. */
export function upsampleBilinear(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [B, h, w, C] = x.shape;
  if (h === height && w === width) return x.clone();
  return tf.tidy(() => {
    const planes = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [B * C, h, w]) as tf.Tensor3D; // [B·C,h,w]
    const resized = resizeBilinear3d(planes, height, width); // [B·C,H,W]
    return tf.transpose(tf.reshape(resized, [B, C, height, width]), [0, 2, 3, 1]) as tf.Tensor4D; // [B,H,W,C]
  });
}
