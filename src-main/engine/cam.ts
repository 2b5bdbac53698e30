/**
 * Attention maps for (image, positive class) pairs (DESIGN §1). Each pair is a row: an image with
 * 3 labels gives 3 rows; `pairs.imageIndex[p]`, `pairs.classIndex[p]` say whose row p is.
 *  - Grad-CAM: w = spatial mean of ∂logit_c/∂F from a separate tf.grad of the sum over pairs of the
 *    selected logits with respect to the per-pair feature maps (rows are independent, so one
 *    gradient gives every pair's own weights), held constant (stopGradient: no second order);
 *    cam = relu(Σ_C w·F).
 *  - CAM: cam = Σ_C W_dense[:,c]·F (differentiable in W and F).
 * Then bilinear resize to the input size (./resize.ts) and min-max normalisation to [0,1] per
 * map with a divide-by-zero guard. Gradients still flow through F into the localizer.
 */
import * as tf from '@tensorflow/tfjs';
import type { CamMethod } from '@shared/domain/train-config';
import { resizeBilinear3d } from './resize';
import { gatherRows } from './select';

export interface Pairs {
  imageIndex: Int32Array;
  classIndex: Int32Array;
  count: number;
}

/** The network parts a cam needs. */
export interface CamSource {
  /** F [P,h,w,C] → logits [P,K]. */
  head(features: tf.Tensor4D): tf.Tensor2D;
  /** Dense kernel [C,K]. */
  readonly fcWeight: tf.Tensor;
  readonly numClasses: number;
}

/** Pairs from a multi-hot label matrix [B*K] (value > 0.5 = positive). */
export function pairsFromLabels(labels: ArrayLike<number>, batch: number, numClasses: number): Pairs {
  const img: number[] = [];
  const cls: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < numClasses; k++) {
      if ((labels[b * numClasses + k] ?? 0) > 0.5) {
        img.push(b);
        cls.push(k);
      }
    }
  }
  return { imageIndex: Int32Array.from(img), classIndex: Int32Array.from(cls), count: img.length };
}

/** Pairs from explicit class lists per image. */
export function pairsFromLists(classIndices: readonly (readonly number[])[], numClasses: number): Pairs {
  const img: number[] = [];
  const cls: number[] = [];
  classIndices.forEach((list, b) => {
    for (const k of list) {
      if (!Number.isInteger(k) || k < 0 || k >= numClasses) throw new Error(`class index ${k} is outside 0..${numClasses - 1}`);
      img.push(b);
      cls.push(k);
    }
  });
  return { imageIndex: Int32Array.from(img), classIndex: Int32Array.from(cls), count: img.length };
}

/** Identity forward, zero gradient: makes a value a constant for the surrounding tape. */
const stopGradientOp = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = inputs[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/** Identity forward, zero gradient: makes a value a constant for the surrounding tape. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stopGradientOp(x) as T;
}

/** Grad-CAM channel weights [P,C] for per-pair feature maps [P,h,w,C] (constants). */
export function gradCamWeights(source: CamSource, pairFeatures: tf.Tensor4D, classIndex: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const selector = tf.oneHot(classIndex, source.numClasses).toFloat(); // [P,K]
    const dLogitDF = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(source.head(f as tf.Tensor4D), selector)))(pairFeatures); // [P,h,w,C]
    return stopGradient(tf.mean(dLogitDF, [1, 2]) as tf.Tensor2D);
  });
}

/** Raw (un-resized, un-normalised) cams [P,h,w] from F [B,h,w,C]. */
export function rawCams(source: CamSource, features: tf.Tensor4D, pairs: Pairs, mode: CamMethod): tf.Tensor3D {
  return tf.tidy(() => {
    const [, h, w, C] = features.shape;
    const classIndex = tf.tensor1d(pairs.classIndex, 'int32');
    const pairFeatures = gatherRows(features, pairs.imageIndex); // [P,h,w,C]
    const weights =
      mode === 'gradcam'
        ? gradCamWeights(source, pairFeatures, classIndex) // [P,C]
        : tf.matMul(tf.oneHot(classIndex, source.numClasses).toFloat(), source.fcWeight as tf.Tensor2D, false, true); // [P,C]
    const flat = tf.reshape(pairFeatures, [pairs.count, h * w, C]);
    const weighted = tf.matMul(flat, tf.reshape(weights, [pairs.count, C, 1])); // [P,h*w,1]
    const cams = tf.reshape(weighted, [pairs.count, h, w]) as tf.Tensor3D;
    return mode === 'gradcam' ? tf.relu(cams) : cams;
  });
}

/** Below this range a map counts as constant. */
const FLAT_RANGE = 1e-6;

/**
 * Per-map min-max normalisation to [0,1]; a constant (e.g. all-zero) map becomes all zeros, with
 * a zero gradient. (Dividing by a clamped range instead gives a constant map a gradient of 1/clamp:
 * a 1×1 feature map, e.g. ResNet-18 at 32 px, made a CAM-mode step's gradients 1e9 and diverge.)
 */
export function minMaxNormalize(cams: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const lo = tf.min(cams, [1, 2], true); // [P,1,1]
    const range = tf.sub(tf.max(cams, [1, 2], true), lo); // [P,1,1]
    const varies = tf.step(tf.sub(range, FLAT_RANGE)); // [P,1,1] 1 or 0, zero gradient
    const safe = tf.add(range, tf.sub(1, varies)); // the range, or ≥ 1 for a constant map
    return tf.mul(tf.div(tf.sub(cams, lo), safe), varies) as tf.Tensor3D;
  });
}

/** Normalised cams [P,H,W] at the given size. */
export function computeCams(
  source: CamSource,
  features: tf.Tensor4D,
  pairs: Pairs,
  mode: CamMethod,
  height: number,
  width: number,
): tf.Tensor3D {
  return tf.tidy(() => minMaxNormalize(resizeBilinear3d(rawCams(source, features, pairs, mode), height, width)));
}
