/** Plain-data types the engine hands to the trainer, the CLI and the UI (no tensors inside). */
import type { LossTerms } from '@shared/domain/loss-terms';

export type TensorDtype = 'float32' | 'int32';

/** One named tensor as plain data (same shape as src-main/runs/checkpoints.ts' TensorRecord). */
export interface TensorRecord {
  /** Group-qualified name, e.g. `localizer/layer1.0.conv1.weight` or `optimizer:localizer/m/…`. */
  name: string;
  shape: number[];
  dtype: TensorDtype;
  data: Float32Array | Int32Array;
}

/** Everything needed to resume: weights, BN statistics, optimizer moments and the global step. */
export interface EngineState {
  step: number;
  tensors: TensorRecord[];
  /** JSON-safe extras: the config and optimizer counters. */
  extra: Record<string, unknown>;
}

export type Phase = 'localizer' | 'adversary';

/** The loss terms of one step, all as plain numbers (for charts); declared once, in shared. */
export type { LossTerms };

export interface StepResult {
  /** Global step index of this step (0-based); the model's step counter is now step + 1. */
  step: number;
  phase: Phase;
  losses: LossTerms;
  /** Number of (image, positive class) pairs in the batch. */
  pairs: number;
}

/** Gradients of one network's trainable parameters by parameter name (e.g. `layer1.0.conv1.weight`). */
export type PlainGradients = Record<string, Float32Array>;

/** computeGradients' result: a StepResult whose update is not applied yet. */
export interface GradientResult extends StepResult {
  /** null when there is nothing to apply (no optimizer step, e.g. an adversary step without pairs). */
  grads: PlainGradients | null;
}

/** One cam of one image for one engine class (0-based foreground index). */
export interface ClassCam {
  classIndex: number;
  width: number;
  height: number;
  /** [height*width] in [0,1]. */
  cam: Float32Array;
}

/** One erasure round for the UI: what the localizer found, what was erased, what the adversary saw. */
export interface ErasureRound {
  classIndex: number;
  width: number;
  height: number;
  /** [H*W] in [0,1]. */
  cam: Float32Array;
  /** [H*W] soft mask sigmoid(ω(cam−σ)). */
  softMask: Float32Array;
  /** [H*W*3] RGB, the erased image de-normalised back to 0..255 for display. */
  erased: Uint8Array;
  /** Adversary's (or, shared/none, the localizer's) probability of this class on the erased image. */
  adversaryProb: number;
  /** Localizer's probability of this class on the original image. */
  localizerProb: number;
}
