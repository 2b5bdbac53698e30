/**
 * A multi-label classifier: backbone → global average pooling → dense K (logits; sigmoid gives
 * probabilities). The localizer and the adversary are both Classifiers; `head` is exposed on its
 * own because Grad-CAM differentiates the logits with respect to the feature map F.
 */
import * as tf from '@tensorflow/tfjs';
import type { AdversaryName, BackboneName } from '@shared/domain/train-config';
import type { EaderConfig } from './settings';
import { createBackbone, type Backbone } from './backbones';
import { loadPretrained, type LoadPretrainedOptions, type PretrainedReport } from './backbones/pretrained';
import type { WeightSource } from './backbones/weight-source';
import { dense, type BnSettings, type Dense } from './layers';
import type { OptimizerParam } from './optimizers';
import { ParamStore } from './params';
import type { Rng } from './rng';

export class Classifier {
  readonly store = new ParamStore();
  readonly backbone: Backbone;
  private readonly fc: Dense;

  constructor(
    kind: BackboneName,
    readonly numClasses: number,
    rng: Rng,
    bn: BnSettings,
  ) {
    this.backbone = createBackbone(kind, this.store, rng, bn);
    this.fc = dense(this.store, 'fc', this.backbone.channels, numClasses, rng);
  }

  /** Dense kernel [C,K] (for plain CAM). */
  get fcWeight(): tf.Variable {
    return this.store.get('fc.weight');
  }

  /** F [B,h,w,C] → logits [B,K]: GAP then dense. */
  head(features: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.fc(tf.mean(features, [1, 2]) as tf.Tensor2D));
  }

  /** images [B,H,W,3] → F [B,h,w,C] and logits [B,K]. */
  forward(images: tf.Tensor4D, training: boolean): { features: tf.Tensor4D; logits: tf.Tensor2D } {
    const features = this.backbone.features(images, training);
    return { features, logits: this.head(features) };
  }

  /** images → logits [B,K]. */
  logits(images: tf.Tensor4D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => this.forward(images, training).logits);
  }

  trainableVariables(): tf.Variable[] {
    return this.store.trainable().map((t) => t.variable);
  }

  /**
   * Trainable parameters for the optimizer: the head `fc` at the base rate, the backbone at
   * lr·backboneLrScale (PyTorch's two parameter groups).
   */
  optimizerParams(backboneLrScale: number): OptimizerParam[] {
    return this.store.trainable().map((p) => ({ ...p, lrScale: p.name.startsWith('fc.') ? 1 : backboneLrScale }));
  }

  /** Pretrained weights into the backbone (with `head`, into `fc` too); see ./backbones/pretrained. */
  loadPretrained(source: WeightSource, options?: LoadPretrainedOptions): Promise<PretrainedReport> {
    return loadPretrained(source, this.store, options);
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** The adversary's network: its own classifier, or null for 'none' and 'shared'. */
export function createAdversary(config: EaderConfig, rng: Rng): Classifier | null {
  const kind: AdversaryName = config.adversary;
  if (kind === 'none' || kind === 'shared') return null;
  return new Classifier(kind, config.numClasses, rng, bnSettings(config));
}

/** The BatchNorm settings both networks use. */
export function bnSettings(config: EaderConfig): BnSettings {
  return { momentum: config.bnMomentum, epsilon: config.bnEpsilon, frozen: config.freezeBatchNorm };
}
