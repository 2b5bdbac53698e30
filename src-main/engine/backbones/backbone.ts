/** What every backbone offers: one call from images to the last conv feature map ("layer4"). */
import type * as tf from '@tensorflow/tfjs';
import type { BackboneName } from '@shared/domain/train-config';

export interface Backbone {
  readonly kind: BackboneName;
  /** Channels C of the feature map. */
  readonly channels: number;
  /** Total stride: an S×S input gives an ⌈S/stride⌉-ish feature map. */
  readonly stride: number;
  /** images [B,H,W,3] → F [B,h,w,C]. `training` selects batch statistics (and updates running ones). */
  features(images: tf.Tensor4D, training: boolean): tf.Tensor4D;
  /**
   * The output of every stage, shallow to deep (tiny: its 4 blocks, strides 2/4/8/8; ResNets:
   * layer1..layer4, strides 4/8/16/32 or less where dilated), the last equal to features(). In
   * inference mode unless `training` (the same as features(): batch statistics, running ones
   * updated). The affinity head (engine/affinity) and the segmenter's decoder read them; the
   * caller disposes them.
   */
  stages(images: tf.Tensor4D, training?: boolean): tf.Tensor4D[];
  /** Total stride of each stage's output, in stages() order. */
  readonly stageStrides: readonly number[];
}
