/**
 * The affinity head (IRN/PSA): on the localizer's frozen stage features, a 1×1 conv per stage to
 * `width` channels, each resized bilinearly to the walk's grid (stride 4 of the input, for the
 * ResNets and tiny alike), concatenated, ReLU, and a 1×1 conv to a `dim`-dimensional embedding. The
 * affinity of two nodes is exp(−mean_d |f_i − f_j|) (src-shared/affinity/random-walk.ts computes it
 * for the walk, ./loss.ts for training). Parameters are its own ParamStore's, saved under `head/`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { ParamStore } from '../params';
import { resizeBilinear3d } from '../resize';

export interface AffinityHeadConfig {
  /** Channels of each stage's 1×1 projection. */
  width: number;
  /** Dimensions of the embedding. */
  dim: number;
  /** The walk grid's stride relative to the network input. */
  stride: number;
}

export const AFFINITY_HEAD_DEFAULTS: AffinityHeadConfig = { width: 32, dim: 32, stride: 4 };

/** The walk grid of a network input of w×h pixels. */
export function walkGrid(width: number, height: number, stride: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width / stride)), height: Math.max(1, Math.round(height / stride)) };
}

/**
 * x [B,h,w,C] → [B,H,W,C], bilinear with half-pixel centres, through engine/resize.ts (matMul):
 * tf.image.resizeBilinear's gradient ignores halfPixelCenters on the cpu and wasm backends.
 */
function resizeNhwc(x: tf.Tensor4D, size: { width: number; height: number }): tf.Tensor4D {
  const [B, h, w, C] = x.shape;
  const planes = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [B * C, h, w]) as tf.Tensor3D;
  const resized = resizeBilinear3d(planes, size.height, size.width); // [B*C,H,W]
  return tf.transpose(tf.reshape(resized, [B, C, size.height, size.width]), [0, 2, 3, 1]) as tf.Tensor4D;
}

export class AffinityHead {
  readonly store = new ParamStore();

  constructor(
    readonly stageChannels: readonly number[],
    readonly config: AffinityHeadConfig,
    rng: Rng,
  ) {
    const kaiming = (shape: [number, number, number, number], fanOut: number): tf.Tensor =>
      tf.tensor4d(Float32Array.from({ length: shape[2] * shape[3] }, () => rng.normal() * Math.sqrt(2 / fanOut)), shape);
    stageChannels.forEach((c, i) => {
      this.store.add(`proj${i}.weight`, kaiming([1, 1, c, config.width], config.width), true);
      this.store.add(`proj${i}.bias`, tf.zeros([config.width]), true);
    });
    const cat = config.width * stageChannels.length;
    this.store.add('out.weight', kaiming([1, 1, cat, config.dim], config.dim), true);
    this.store.add('out.bias', tf.zeros([config.dim]), true);
  }

  /** stages (each [B,h_s,w_s,C_s], shallow to deep) → embedding [B,size.height,size.width,dim]. */
  embed(stages: readonly tf.Tensor4D[], size: { width: number; height: number }): tf.Tensor4D {
    if (stages.length !== this.stageChannels.length) throw new Error(`affinity head expects ${this.stageChannels.length} stages, got ${stages.length}`);
    return tf.tidy(() => {
      const projected = stages.map((s, i) => {
        const p = tf.add(tf.conv2d(s, this.store.get(`proj${i}.weight`) as tf.Tensor4D, 1, 0), this.store.get(`proj${i}.bias`)) as tf.Tensor4D;
        return p.shape[1] === size.height && p.shape[2] === size.width ? p : resizeNhwc(p, size);
      });
      const joined = tf.relu(tf.concat(projected, 3)) as tf.Tensor4D;
      return tf.add(tf.conv2d(joined, this.store.get('out.weight') as tf.Tensor4D, 1, 0), this.store.get('out.bias')) as tf.Tensor4D;
    });
  }

  dispose(): void {
    this.store.dispose();
  }
}
