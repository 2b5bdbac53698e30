/**
 * One EADER training step for either phase, as gradients (applyStepGradients then steps the optimizer). The loss closures build everything inside the tape
 * (tf.variableGrads runs them under tidy); the loss terms leave the closure with tf.keep and
 * are read back as numbers (asynchronously: webgpu cannot read synchronously), then disposed, so a
 * step leaves no tensor behind.
 *  - localizer phase: L = BCE(loc) + β·mean(cam) + α·mean_p P_adv(c_p | erased_p), gradients to
 *    the localizer only (the adversary's forward is inside the tape but its variables are not
 *    differentiated). In 'shared' mode the localizer itself scores the erased images.
 *  - adversary phase: the localizer's cams and erased images are computed outside the tape, then
 *    L_adv = BCE(adversary(erased), labels of each pair's source image), gradients to the adversary.
 * Both networks run in training mode (batch statistics; running statistics updated), as PyTorch's
 * model.train() does in the reference.
 */
import * as tf from '@tensorflow/tfjs';
import { computeCams, type Pairs } from './cam';
import type { Classifier } from './classifier';
import type { EaderConfig } from './settings';
import { eraseImages, softMask } from './erase';
import { adversarialTerm, adversaryLoss, bceWithLogits, camRegularizer } from './losses';
import type { EngineOptimizer } from './optimizers';
import { takeAll } from './read';
import { gatherRows } from './select';
import type { LossTerms } from './types';

export interface Nets {
  config: EaderConfig;
  localizer: Classifier;
  /** Separate adversary, or null ('none' / 'shared'). */
  adversary: Classifier | null;
}

export interface ErasureForward {
  logits: tf.Tensor2D; // [B,K]
  cams: tf.Tensor3D | null; // [P,H,W]
  masks: tf.Tensor3D | null; // [P,H,W]
  erased: tf.Tensor4D | null; // [P,H,W,3]
  advLogits: tf.Tensor2D | null; // [P,K]
}

/** The network that scores erased images: the adversary, the localizer when shared, else none. */
export function critic(nets: Nets): Classifier | null {
  if (nets.adversary) return nets.adversary;
  return nets.config.adversary === 'shared' ? nets.localizer : null;
}

/** Localizer forward → cams → soft masks → erased images (→ critic logits when `score`). */
export function erasureForward(nets: Nets, images: tf.Tensor4D, pairs: Pairs, training: boolean, score: boolean): ErasureForward {
  const { config, localizer } = nets;
  const [, H, W] = images.shape;
  const { features, logits } = localizer.forward(images, training);
  if (pairs.count === 0) return { logits, cams: null, masks: null, erased: null, advLogits: null };
  const cams = computeCams(localizer, features, pairs, config.camMethod, H, W);
  const masks = softMask(cams, config.omega, config.sigma);
  const erased = eraseImages(gatherRows(images, pairs.imageIndex), masks);
  const scorer = score ? critic(nets) : null;
  const advLogits = scorer ? scorer.logits(erased, training) : null;
  return { logits, cams, masks, erased, advLogits };
}

type Terms = Record<keyof LossTerms, tf.Scalar>;

async function readTerms(terms: Terms): Promise<LossTerms> {
  const values = await takeAll(terms);
  const out = {} as LossTerms;
  for (const key of Object.keys(values) as (keyof LossTerms)[]) out[key] = values[key][0] ?? 0;
  return out;
}

/**
 * Scales of a replica's share of a batch (data parallelism): the per-image terms (BCE) are
 * weighted by its share of the images, the per-pair terms (cam regulariser, α-term, adversary
 * BCE) by its share of the pairs, so the replicas' scaled gradients SUM to the full batch's.
 */
export interface LossScale {
  images: number;
  pairs: number;
}
export const FULL_BATCH: LossScale = { images: 1, pairs: 1 };

/** Loss terms and the gradients of `total`, keyed by tfjs variable name (caller disposes grads). */
export interface StepGradients {
  terms: LossTerms;
  /** null when nothing was differentiated (an adversary step without pairs): no optimizer step. */
  grads: tf.NamedTensorMap | null;
}

async function gradientsOf(variables: tf.Variable[], lossTerms: () => Terms): Promise<StepGradients> {
  let kept: Terms | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const terms = lossTerms();
    kept = Object.fromEntries(Object.entries(terms).map(([k, t]) => [k, tf.keep(t)])) as Terms;
    return terms.total;
  }, variables);
  if (!kept) throw new Error('loss closure did not run');
  const terms: Terms = kept;
  if (terms.total !== value) value.dispose(); // the loss value is the kept `total` itself
  try {
    return { terms: await readTerms(terms), grads };
  } catch (error) {
    tf.dispose(grads);
    throw error;
  }
}

/** Apply step gradients with the network's optimizer (none: no step) and dispose them. */
export function applyStepGradients(optimizer: EngineOptimizer, grads: tf.NamedTensorMap | null): void {
  if (!grads) return;
  optimizer.apply(grads);
  tf.dispose(grads);
}

export function localizerGradients(nets: Nets, images: tf.Tensor4D, labels: tf.Tensor2D, pairs: Pairs, scale: LossScale = FULL_BATCH): Promise<StepGradients> {
  const { config } = nets;
  return gradientsOf(nets.localizer.trainableVariables(), () => {
    const fwd = erasureForward(nets, images, pairs, true, true);
    const bce = tf.mul(bceWithLogits(fwd.logits, labels), scale.images) as tf.Scalar;
    const reg = fwd.cams ? (tf.mul(camRegularizer(fwd.cams, config.beta), scale.pairs) as tf.Scalar) : tf.scalar(0);
    const adv = fwd.advLogits ? (tf.mul(adversarialTerm(fwd.advLogits, pairs.classIndex, config.alpha), scale.pairs) as tf.Scalar) : tf.scalar(0);
    const advBce = fwd.advLogits ? (tf.mul(adversaryLoss(fwd.advLogits, labels, pairs.imageIndex), scale.pairs) as tf.Scalar) : tf.scalar(0);
    return { bce, reg, adv, advBce, total: tf.addN([bce, reg, adv]) };
  });
}

export async function adversaryGradients(
  nets: Nets,
  adversary: Classifier,
  images: tf.Tensor4D,
  labels: tf.Tensor2D,
  pairs: Pairs,
  scale: LossScale = FULL_BATCH,
): Promise<StepGradients> {
  const { config } = nets;
  let erased: tf.Tensor4D | null = null;
  const outside = tf.tidy(() => {
    const fwd = erasureForward(nets, images, pairs, true, false);
    if (fwd.erased) erased = tf.keep(fwd.erased);
    return {
      bce: tf.mul(bceWithLogits(fwd.logits, labels), scale.images) as tf.Scalar,
      reg: fwd.cams ? (tf.mul(camRegularizer(fwd.cams, config.beta), scale.pairs) as tf.Scalar) : tf.scalar(0),
    };
  });
  if (!erased) {
    const terms = await readTerms({ bce: outside.bce, reg: outside.reg, adv: tf.scalar(0), advBce: tf.scalar(0), total: tf.scalar(0) });
    return { terms, grads: null };
  }
  const erasedImages: tf.Tensor4D = erased;
  const result = gradientsOf(adversary.trainableVariables(), () => {
    const advLogits = adversary.logits(erasedImages, true);
    const advBce = tf.mul(adversaryLoss(advLogits, labels, pairs.imageIndex), scale.pairs) as tf.Scalar;
    const adv = tf.mul(adversarialTerm(advLogits, pairs.classIndex, config.alpha), scale.pairs) as tf.Scalar;
    return { bce: tf.clone(outside.bce), reg: tf.clone(outside.reg), adv, advBce, total: tf.clone(advBce) };
  });
  try {
    return await result;
  } finally {
    tf.dispose([erasedImages, outside.bce, outside.reg]);
  }
}
