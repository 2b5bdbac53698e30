/**
 * The segmentation network: a backbone at output stride 8 or 16 (tiny is 8; the ResNets dilate
 * their last stages, same parameters as torchvision's, so pretrained weights load) → the ASPP
 * head → K + 1 logits per feature cell → bilinear upsampling to the input (or any) size.
 */
import * as tf from '@tensorflow/tfjs';
import { outputStrideOf } from '@shared/domain/segmenter-config';
import { createBackbone, type Backbone } from '../backbones';
import { loadPretrained, type PretrainedReport } from '../backbones/pretrained';
import type { WeightSource } from '../backbones/weight-source';
import type { BnSettings } from '../layers';
import type { OptimizerParam } from '../optimizers';
import { ParamStore } from '../params';
import type { Rng } from '../rng';
import { asppRates, createAsppHead, type Head } from './aspp';
import type { SegmenterEngineConfig } from './settings';
import { upsampleBilinear } from './upsample';

const HEAD_PREFIX = 'classifier.';

export class SegmenterNetwork {
  readonly store = new ParamStore();
  readonly backbone: Backbone;
  /** The ASPP rates, sized to the training crop's feature map. */
  readonly rates: number[];
  /** K + 1: background, then the dataset's classes 1..K. */
  readonly outputs: number;
  private readonly head: Head;

  constructor(config: SegmenterEngineConfig, rng: Rng) {
    const bn: BnSettings = { momentum: config.bnMomentum, epsilon: config.bnEpsilon, frozen: config.freezeBatchNorm };
    const stride = outputStrideOf(config);
    this.backbone = createBackbone(config.backbone, this.store, rng, bn, { outputStride: stride });
    this.rates = asppRates(Math.ceil(config.imageSize / stride));
    this.outputs = config.numClasses + 1;
    this.head = createAsppHead(this.store, rng, bn, this.backbone.channels, config.asppChannels, this.outputs, this.rates);
  }

  /** images [B,H,W,3] → logits [B,h,w,K+1] at the feature stride. */
  coarseLogits(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => this.head(this.backbone.features(images, training), training));
  }

  /** images [B,H,W,3] → logits [B,H',W',K+1] at `size` (default the input's H×W). */
  logits(images: tf.Tensor4D, training: boolean, size?: { width: number; height: number }): tf.Tensor4D {
    return tf.tidy(() => upsampleBilinear(this.coarseLogits(images, training), size?.height ?? images.shape[1], size?.width ?? images.shape[2]));
  }

  /** The head at the base rate, the backbone at lr·backboneLrScale (two parameter groups). */
  optimizerParams(backboneLrScale: number): OptimizerParam[] {
    return this.store.trainable().map((p) => ({ ...p, lrScale: p.name.startsWith(HEAD_PREFIX) ? 1 : backboneLrScale }));
  }

  trainableVariables(): tf.Variable[] {
    return this.store.trainable().map((t) => t.variable);
  }

  /** Pretrained weights into the backbone (the head is new); see ../backbones/pretrained. */
  async loadPretrained(source: WeightSource): Promise<PretrainedReport> {
    const backboneOnly = new Set(this.store.names().filter((n) => !n.startsWith(HEAD_PREFIX)));
    return loadPretrained(source, this.store, { covers: (n) => backboneOnly.has(n) });
  }

  dispose(): void {
    this.store.dispose();
  }
}
