/**
 * The segmentation network: a backbone at output stride 8 or 16 (tiny is 8; the ResNets dilate
 * their last stages, same parameters as torchvision's, so pretrained weights load) → the ASPP
 * head → K + 1 logits per feature cell (DeepLabv3), or per stride-4 cell through DeepLabv3+'s
 * decoder (`decoder: v3plus`, ./decoder.ts) → bilinear upsampling to the input (or any) size.
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
import { asppRates, createAspp, createV3Refine, pixelClassifier } from './aspp';
import { createDecoder } from './decoder';
import type { SegmenterEngineConfig } from './settings';
import { upsampleBilinear } from './upsample';

/** Which classifier: the main one (the trusted masks' when the heads are separate) or the pseudo-masks' own. */
export type SegmenterHead = 'main' | 'pseudo';

export class SegmenterNetwork {
  readonly store = new ParamStore();
  readonly backbone: Backbone;
  /** The ASPP rates, sized to the training crop's feature map. */
  readonly rates: number[];
  /** K + 1: background, then the dataset's classes 1..K. */
  readonly outputs: number;
  /** Images → the features the classifier reads [B,h,w,A]: the backbone, the head and, with v3plus, the decoder. */
  private readonly body: (images: tf.Tensor4D, training: boolean) => tf.Tensor4D;
  /** The pixel classifier (K + 1 logits per cell); with `trustedHead`, the trusted masks' head. */
  private readonly classify: (x: tf.Tensor4D) => tf.Tensor4D;
  /** With `trustedHead`: the pseudo-masks' own classifier over the same features; null otherwise. */
  private readonly classifyPseudo: ((x: tf.Tensor4D) => tf.Tensor4D) | null;
  /** The backbone's parameter names (the rest is the head's). */
  private readonly backboneNames: ReadonlySet<string>;

  constructor(config: SegmenterEngineConfig, rng: Rng) {
    const bn: BnSettings = { momentum: config.bnMomentum, epsilon: config.bnEpsilon, frozen: config.freezeBatchNorm };
    const stride = outputStrideOf(config);
    this.backbone = createBackbone(config.backbone, this.store, rng, bn, { outputStride: stride });
    this.rates = asppRates(Math.ceil(config.imageSize / stride));
    this.outputs = config.numClasses + 1;
    this.backboneNames = new Set(this.store.names());
    const backbone = this.backbone;
    const aspp = createAspp(this.store, rng, bn, backbone.channels, config.asppChannels, this.rates);
    const A = config.asppChannels;
    if (config.decoder === 'none') {
      const refine = createV3Refine(this.store, rng, bn, A);
      this.body = (images, training) => refine(aspp(backbone.features(images, training), training), training);
    } else {
      const low = backbone.stageStrides.indexOf(4);
      if (low < 0) throw new Error(`the ${backbone.kind} backbone has no stride-4 stage for the v3plus decoder (stages at ${backbone.stageStrides.join(', ')})`);
      const decode = createDecoder(this.store, rng, bn, A, this.stageChannels(low));
      this.body = (images, training) => {
        const stages = backbone.stages(images, training);
        return decode(aspp(stages[stages.length - 1]!, training), stages[low]!, training);
      };
    }
    const prefix = config.decoder === 'none' ? 'classifier' : 'decoder';
    this.classify = pixelClassifier(this.store, rng, config.decoder === 'none' ? 'classifier.4' : 'decoder.classifier', A, this.outputs);
    this.classifyPseudo = config.trustedHead ? pixelClassifier(this.store, rng, `${prefix}.pseudo`, A, this.outputs) : null;
  }

  /** Has a pseudo-mask head of its own (`trustedHead`). */
  get separateHeads(): boolean {
    return this.classifyPseudo !== null;
  }

  /** Channels of backbone stage `index`, from a probe through the stages (at 32 px; nothing trains). */
  private stageChannels(index: number): number {
    return tf.tidy(() => this.backbone.stages(tf.zeros([1, 32, 32, 3]))[index]!.shape[3]);
  }

  /**
   * images [B,H,W,3] → logits [B,h,w,K+1] at the feature stride (stride 4 with the v3plus decoder),
   * from `head`: the main classifier (with separate heads, the trusted masks' one) or the
   * pseudo-masks' one; or, per image, `pseudo[b]` picks the pseudo head for image b (training).
   */
  coarseLogits(images: tf.Tensor4D, training: boolean, head: SegmenterHead | readonly boolean[] = 'main'): tf.Tensor4D {
    return tf.tidy(() => {
      const features = this.body(images, training);
      const pseudo = this.classifyPseudo;
      if (!pseudo || head === 'main') return this.classify(features);
      if (head === 'pseudo') return pseudo(features);
      if (head.length !== images.shape[0]) throw new Error(`coarseLogits: ${head.length} head choices for ${images.shape[0]} images`);
      const pick = tf.tensor4d(head.map((p) => (p ? 1 : 0)), [head.length, 1, 1, 1]); // [B,1,1,1] 1: pseudo head
      return tf.add(tf.mul(pseudo(features), pick), tf.mul(this.classify(features), tf.sub(1, pick))) as tf.Tensor4D;
    });
  }

  /** images [B,H,W,3] → logits [B,H',W',K+1] at `size` (default the input's H×W); `head` as coarseLogits. */
  logits(images: tf.Tensor4D, training: boolean, size?: { width: number; height: number }, head: SegmenterHead | readonly boolean[] = 'main'): tf.Tensor4D {
    return tf.tidy(() => upsampleBilinear(this.coarseLogits(images, training, head), size?.height ?? images.shape[1], size?.width ?? images.shape[2]));
  }

  /** The head (and decoder) at the base rate, the backbone at lr·backboneLrScale (two parameter groups). */
  optimizerParams(backboneLrScale: number): OptimizerParam[] {
    return this.store.trainable().map((p) => ({ ...p, lrScale: this.backboneNames.has(p.name) ? backboneLrScale : 1 }));
  }

  trainableVariables(): tf.Variable[] {
    return this.store.trainable().map((t) => t.variable);
  }

  /** Pretrained weights into the backbone (the head is new); see ../backbones/pretrained. */
  async loadPretrained(source: WeightSource): Promise<PretrainedReport> {
    return loadPretrained(source, this.store, { covers: (n) => this.backboneNames.has(n) });
  }

  dispose(): void {
    this.store.dispose();
  }
}
