/**
 * Atrous (dilated) k×k convolution that trains: tfjs has no gradient for `conv2d` with dilations > 1
 * ("dilation rates greater than 1 are not yet supported in gradients"), so this one brings its own,
 * each side itself a forward convolution (fast on every backend, the wasm one included):
 *   y  = conv(x, W; dilation r, padding p)                       forward, tfjs's own dilated conv
 *   dx = conv(dy, W flipped in space, in/out swapped; dilation r, padding p)
 *   dW = conv(x padded by p, as [Ci,Hp,Wp,B]; filter dy as [H,W,B,Co]; stride r, valid) → [k,k,Ci,Co]
 * (the second and third are what conv2DBackpropInput / conv2DBackpropFilter compute, written for
 * dilation). An earlier version lowered the conv to space-to-batch → conv → batch-to-space as
 * TensorFlow does; on wasm those two reshuffles took 40 % of a segmenter step (docs/segmenter.md).
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
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor4D;
    const kernel = args[1] as tf.Tensor4D;
    (args[2] as tf.GradSaveFunc)([input, kernel]);
    return {
      value: tf.conv2d(input, kernel, 1, pad, 'NHWC', rate),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D; // [B,H,W,Co]
        const flipped = tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [k,k,Co,Ci]
        const dx = tf.conv2d(g, flipped, 1, pad, 'NHWC', rate); // [B,H,W,Ci]
        const padded = tf.pad(xs, [
          [0, 0],
          [pad, pad],
          [pad, pad],
          [0, 0],
        ]); // [B,H+2p,W+2p,Ci]
        const dwT = tf.conv2d(tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D, rate, 'valid'); // [Ci,k,k,Co]
        return [dx, tf.transpose(dwT, [1, 2, 0, 3]) as tf.Tensor4D]; // dW [k,k,Ci,Co]
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}
