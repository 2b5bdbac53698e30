/**
 * The segmenter's loss: per-pixel softmax cross-entropy with per-pixel weights, where an ignored
 * pixel (label 255) has weight 0 and a one-hot target of zeros, so it adds nothing to the loss nor
 * to its normaliser — exactly as PyTorch's `CrossEntropyLoss(ignore_index=255)` when every weight
 * is 1. Trusted (corrected) masks get a larger weight (the `trustedWeight` setting).
 *
 *   loss = Σ_i w_i · CE_i / Σ_i w_i,   CE_i = −Σ_c y_ic · log softmax(z_i)_c
 */
import * as tf from '@tensorflow/tfjs';

export interface SegmenterLoss {
  /** The weighted mean, what the optimizer minimises (0 when every weight is 0). */
  loss: tf.Scalar;
  /** Per image, the unweighted CE summed over its labelled pixels [B] (for the per-source means). */
  perImage: tf.Tensor1D;
}

/** logits [B,H,W,C], targets [B,H,W,C] one-hot (zeros where ignored), weights [B,H,W] (0 where ignored). */
export function weightedCrossEntropy(logits: tf.Tensor4D, targets: tf.Tensor4D, weights: tf.Tensor3D): SegmenterLoss {
  return tf.tidy(() => {
    const ce = tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 3)) as tf.Tensor3D; // [B,H,W]
    const totalWeight = tf.sum(weights);
    const loss = tf.div(tf.sum(tf.mul(ce, weights)), tf.maximum(totalWeight, 1e-12)) as tf.Scalar;
    const labelled = tf.cast(tf.greater(weights, 0), 'float32');
    const perImage = tf.sum(tf.mul(ce, labelled), [1, 2]) as tf.Tensor1D; // [B]
    return { loss, perImage };
  });
}

/**
 * Logits [B,H,W,C] with the classes `allowed` [B,C] (1/0) forbids pushed down by 10⁴, so their
 * softmax weight is 0 and the rest renormalise: the softmax over an image's allowed classes only.
 */
export function restrictLogits(logits: tf.Tensor4D, allowed: tf.Tensor2D | null): tf.Tensor4D {
  if (!allowed) return logits;
  const [B, , , C] = logits.shape;
  return tf.tidy(() => tf.add(logits, tf.mul(tf.sub(tf.reshape(allowed, [B, 1, 1, C]), 1), 1e4)) as tf.Tensor4D);
}

/**
 * The `allowed` matrix [B,C] of restrictLogits for images whose classes are known: background and
 * each image's classes (dataset indices 1..C−1); a null entry allows every class.
 */
export function allowedMatrix(classesPerImage: readonly (readonly number[] | null)[], C: number): tf.Tensor2D {
  const allowed = new Float32Array(classesPerImage.length * C);
  classesPerImage.forEach((classes, b) => {
    if (!classes) return void allowed.fill(1, b * C, (b + 1) * C);
    allowed[b * C] = 1;
    for (const c of classes) {
      if (!Number.isInteger(c) || c < 1 || c >= C) throw new Error(`image class ${c} is not one of the segmenter's classes 1..${C - 1}`);
      allowed[b * C + c] = 1;
    }
  });
  return tf.tensor2d(allowed, [classesPerImage.length, C]);
}
