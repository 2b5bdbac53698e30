/**
 * Plain conv3×3 + BN + ReLU stacks sized for small images trained from scratch on a CPU
 * (bench/quality-research.md). Each block is (channels, stride); parameters are named
 * `block<i>.conv.weight`, `block<i>.bn.*`. `tiny` is four blocks; `tiny5` is `tiny` with one more 128-channel
 * stride-1 block: receptive field 47 px instead of 31 at the same stride 8, which the research
 * found to matter more than width.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackboneName } from '@shared/domain/train-config';
import { batchNorm, conv, type BnSettings } from '../layers';
import type { ParamStore } from '../params';
import type { Rng } from '../rng';
import type { Backbone } from './backbone';

export const PLAIN_SPECS = {
  // four blocks, the first three strided (total stride 8), 16→32→64→128: fast on CPU; demos, tests, quick runs
  tiny: [
    [16, 2],
    [32, 2],
    [64, 2],
    [128, 1],
  ],
  tiny5: [
    [16, 2],
    [32, 2],
    [64, 2],
    [128, 1],
    [128, 1],
  ],
} as const satisfies Partial<Record<BackboneName, readonly (readonly [number, number])[]>>;

export type PlainKind = keyof typeof PLAIN_SPECS;

export function createPlain(kind: PlainKind, store: ParamStore, rng: Rng, bn: BnSettings): Backbone {
  let inC = 3;
  let stride = 1;
  const stageStrides: number[] = [];
  const blocks = PLAIN_SPECS[kind].map(([outC, s], i) => {
    const c = conv(store, `block${i + 1}.conv`, 3, inC, outC, s, 1, rng);
    const n = batchNorm(store, `block${i + 1}.bn`, outC, bn);
    inC = outC;
    stride *= s;
    stageStrides.push(stride);
    return { c, n };
  });
  return {
    kind,
    channels: inC,
    stride,
    // images [B,H,W,3] → F [B,H/8,W/8,128]
    features: (images, training) => tf.tidy(() => blocks.reduce((x, { c, n }) => tf.relu(n(c(x), training)), images)),
    stageStrides,
    // Every block's output (the affinity head, the segmenter's decoder).
    stages: (images, training = false) =>
      tf.tidy(() => {
        const outs: tf.Tensor4D[] = [];
        blocks.reduce((x, { c, n }) => {
          const y = tf.relu(n(c(x), training));
          outs.push(y);
          return y;
        }, images);
        return outs;
      }),
  };
}
