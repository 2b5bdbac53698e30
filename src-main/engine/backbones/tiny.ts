/**
 * `tiny`: four conv3×3+BN+ReLU blocks, the first three strided (total stride 8), 16→32→64→128
 * channels. Fast on CPU; for demos, tests and quick runs.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNorm, conv, type BnSettings } from '../layers';
import type { ParamStore } from '../params';
import type { Rng } from '../rng';
import type { Backbone } from './backbone';

const WIDTHS = [16, 32, 64, 128] as const;
const STRIDES = [2, 2, 2, 1] as const;

export function createTiny(store: ParamStore, rng: Rng, bn: BnSettings): Backbone {
  let inC = 3;
  const blocks = WIDTHS.map((outC, i) => {
    const c = conv(store, `block${i + 1}.conv`, 3, inC, outC, STRIDES[i] ?? 1, 1, rng);
    const n = batchNorm(store, `block${i + 1}.bn`, outC, bn);
    inC = outC;
    return { c, n };
  });
  return {
    kind: 'tiny',
    channels: inC,
    stride: 8,
    features: (images, training) =>
      tf.tidy(() => blocks.reduce((x, { c, n }) => tf.relu(n(c(x), training)), images)),
    stageStrides: [2, 4, 8, 8],
    stages: (images) =>
      tf.tidy(() => {
        const outs: tf.Tensor4D[] = [];
        blocks.reduce((x, { c, n }) => {
          const y = tf.relu(n(c(x), false));
          outs.push(y);
          return y;
        }, images);
        return outs;
      }),
  };
}
