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
}
