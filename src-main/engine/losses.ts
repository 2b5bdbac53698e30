/**
 * The named losses of EADER (DESIGN §1). All return scalars; each term is returned separately by
 * the train step for charts.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows } from './select';

/** Mean binary cross-entropy of sigmoid(logits) against targets, numerically stable. [N,K] → []. */
export function bceWithLogits(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    // max(x,0) − x·y + log(1 + e^{−|x|})
    const terms = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(terms);
  });
}

/** β·mean(cam) over every pixel of every pair's map; cams [P,H,W]. */
export function camRegularizer(cams: tf.Tensor3D, beta: number): tf.Scalar {
  return tf.tidy(() => tf.mul(tf.mean(cams), beta));
}

/**
 * α·mean over pairs of the adversary's sigmoid probability of the pair's own class on the pair's
 * erased image. advLogits [P,K], classIndex [P].
 */
export function adversarialTerm(advLogits: tf.Tensor2D, classIndex: Int32Array, alpha: number): tf.Scalar {
  return tf.tidy(() => {
    const selector = tf.oneHot(tf.tensor1d(classIndex, 'int32'), advLogits.shape[1]).toFloat(); // [P,K]
    const probs = tf.sum(tf.mul(tf.sigmoid(advLogits), selector), 1); // [P]
    return tf.mul(tf.mean(probs), alpha);
  });
}

/**
 * Adversary loss: BCE of the adversary on erased images against each pair's SOURCE image's full
 * label vector. advLogits [P,K], labels [B,K], imageIndex [P].
 */
export function adversaryLoss(advLogits: tf.Tensor2D, labels: tf.Tensor2D, imageIndex: Int32Array): tf.Scalar {
  return tf.tidy(() => bceWithLogits(advLogits, gatherRows(labels, imageIndex)));
}
