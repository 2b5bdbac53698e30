/**
 * Training-mode batch norm over NHWC with a hand-written backward pass. Autodiff through
 * tf.moments + tf.batchNorm records ~15 full-size ops per layer; the closed form needs four:
 *   x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
 *   ∂β = Σ dy,  ∂γ = Σ dy·x̂,  ∂x = (γ/√(σ² + ε))·(dy − ∂β/n − x̂·∂γ/n)   (sums over B,H,W; n = B·H·W)
 * `onStats` receives the biased batch mean and variance (for the running statistics).
 */
import * as tf from '@tensorflow/tfjs';

export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onStats: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(input, [0, 1, 2]); // [C]
    onStats(mean as tf.Tensor1D, variance as tf.Tensor1D);
    const invStd = tf.rsqrt(tf.add(variance, epsilon)); // [C]
    const xHat = tf.mul(tf.sub(input, mean), invStd); // [B,H,W,C]
    save([xHat, invStd, g]);
    return {
      value: tf.add(tf.mul(xHat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sXHat, sInvStd, sGamma] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
        const dBeta = tf.sum(dy, [0, 1, 2]); // [C]
        const dGamma = tf.sum(tf.mul(dy, sXHat), [0, 1, 2]); // [C]
        const scale = tf.mul(sGamma, sInvStd); // [C]
        const dx = tf.sub(tf.mul(dy, scale), tf.add(tf.mul(sXHat, tf.mul(dGamma, tf.div(scale, n))), tf.mul(dBeta, tf.div(scale, n))));
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}
