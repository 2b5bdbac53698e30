/**
 * Atrous (dilated) 3×3 / k×k convolution that trains: tfjs has no gradient for `conv2d` with
 * dilations > 1 ("dilation rates greater than 1 are not yet supported in gradients"), so the
 * dilated conv is computed as TensorFlow itself lowers it — space-to-batch, a plain stride-1
 * 'valid' convolution, batch-to-space — three ops whose gradients tfjs has (SpaceToBatchND ↔
 * BatchToSpaceND, Conv2D), on every backend (the wasm training kernels included).
 *
 * 'Same' geometry with PyTorch's semantics: padding p = rate·(k−1)/2 on every side, stride 1, so
 * an H×W input gives an H×W output, exactly `nn.Conv2d(k, padding=p, dilation=rate)`.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * x [B,H,W,Ci], w [k,k,Ci,Co] → [B,H,W,Co]: a stride-1 convolution with dilation `rate` and
 * padding rate·(k−1)/2 (k odd). rate 1 is a plain conv2d with that padding.
 */
export function atrousConv2d(x: tf.Tensor4D, w: tf.Tensor4D, rate: number): tf.Tensor4D {
  const k = w.shape[0];
  if (w.shape[1] !== k || k % 2 !== 1) throw new Error(`atrousConv2d needs an odd square kernel, got [${w.shape.join(',')}]`);
  if (!Number.isInteger(rate) || rate < 1) throw new Error(`atrousConv2d: rate must be a whole number ≥ 1, got ${rate}`);
  const pad = (rate * (k - 1)) / 2;
  if (rate === 1) return tf.conv2d(x, w, 1, pad);
  return tf.tidy(() => {
    const [, H, W] = x.shape;
    // Pad by `pad` on each side, plus what makes the padded size a multiple of the rate (cropped after).
    const extraH = (rate - ((H + 2 * pad) % rate)) % rate;
    const extraW = (rate - ((W + 2 * pad) % rate)) % rate;
    const batched = tf.spaceToBatchND(x, [rate, rate], [
      [pad, pad + extraH],
      [pad, pad + extraW],
    ]) as tf.Tensor4D; // [B·r²,(H+2p+eH)/r,(W+2p+eW)/r,Ci]
    const convolved = tf.conv2d(batched, w, 1, 'valid'); // [B·r²,(H+eH)/r,(W+eW)/r,Co]
    return tf.batchToSpaceND(convolved, [rate, rate], [
      [0, extraH],
      [0, extraW],
    ]) as tf.Tensor4D; // [B,H,W,Co]
  });
}
