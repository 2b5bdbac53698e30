/**
 * The DeepLabv3 head: atrous spatial pyramid pooling over the backbone's feature map, then a 3×3
 * conv and the per-pixel classifier (K + 1 outputs, background first). Parameter names follow
 * torchvision's `DeepLabHead` (`classifier.0.convs.i`, `classifier.0.project`, `classifier.1..4`)
 * so its state dicts name the same tensors. The 0.5 dropout after the projection is left out
 * (training here is short and seeded; docs/segmenter.md).
 *
 *   F [B,h,w,Ci] ─┬─ 1×1 conv·BN·ReLU                 ─┐
 *                 ├─ 3×3 conv, rate r1 ·BN·ReLU        │
 *                 ├─ 3×3 conv, rate r2 ·BN·ReLU        ├─ concat [B,h,w,5A] → 1×1·BN·ReLU [B,h,w,A]
 *                 ├─ 3×3 conv, rate r3 ·BN·ReLU        │   → 3×3·BN·ReLU → 1×1 (+bias) → [B,h,w,K+1]
 *                 └─ GAP·1×1·BN·ReLU, broadcast to h×w ─┘
 */
import * as tf from '@tensorflow/tfjs';
import { batchNorm, conv, type BnSettings } from '../layers';
import type { ParamStore } from '../params';
import type { Rng } from '../rng';

/** DeepLabv3's rates (6, 12, 18) belong to a 33-cell map (513 px at stride 16). */
const BASE_RATES = [6, 12, 18] as const;
const BASE_SIDE = 33;

/**
 * ASPP rates for a feature map of `side` cells: DeepLabv3's, scaled to the map (so a 12-cell map of
 * a 96 px crop at stride 8 gets 2, 4, 7, and 65 cells at stride 8 get 12, 24, 35), increasing, ≥ 1
 * and below the side where the map allows it (a larger rate would see only padding).
 */
export function asppRates(side: number): number[] {
  const top = Math.max(1, side - 1);
  const rates: number[] = [];
  for (const base of BASE_RATES) {
    const previous = rates[rates.length - 1] ?? 0;
    rates.push(Math.min(top, Math.max(previous + 1, Math.round((base * side) / BASE_SIDE), 1)));
  }
  return rates;
}

/** ASPP features F [B,h,w,Ci] → the projection [B,h,w,A]. */
export type Aspp = (features: tf.Tensor4D, training: boolean) => tf.Tensor4D;

/**
 * The per-pixel classifier `name.weight`/`name.bias` (1×1 conv with bias). It keeps PyTorch's
 * default Conv2d initialisation (U(±1/√fan_in), bias too), as torchvision's DeepLabHead does; a
 * near-zero one (normal, std 0.01) left the tiny network stuck at the class prior on CPU-length
 * runs (docs/segmenter.md).
 */
export function pixelClassifier(store: ParamStore, rng: Rng, name: string, inC: number, outputs: number): (x: tf.Tensor4D) => tf.Tensor4D {
  const bound = 1 / Math.sqrt(inC);
  const kernel = store.add(`${name}.weight`, tf.tensor4d(new Float32Array(inC * outputs).map(() => rng.uniform(-bound, bound)), [1, 1, inC, outputs]), true) as tf.Variable<tf.Rank.R4>;
  const bias = store.add(`${name}.bias`, tf.tensor1d(new Float32Array(outputs).map(() => rng.uniform(-bound, bound))), true);
  return (x) => tf.tidy(() => tf.add(tf.conv2d(x, kernel, 1, 0), bias) as tf.Tensor4D);
}

/** conv·BN·ReLU named `name.0`, `name.1`. */
export function convBnRelu(store: ParamStore, rng: Rng, bn: BnSettings, name: string, k: number, inC: number, outC: number, rate = 1): (x: tf.Tensor4D, training: boolean) => tf.Tensor4D {
  const c = conv(store, `${name}.0`, k, inC, outC, 1, (rate * (k - 1)) / 2, rng, rate);
  const n = batchNorm(store, `${name}.1`, outC, bn);
  return (x, training) => tf.tidy(() => tf.relu(n(c(x), training)));
}

/** The ASPP module (`classifier.0`) over `inC` feature channels, `width` channels per branch. */
export function createAspp(store: ParamStore, rng: Rng, bn: BnSettings, inC: number, width: number, rates: readonly number[]): Aspp {
  const p = 'classifier.0';
  const branches = [convBnRelu(store, rng, bn, `${p}.convs.0`, 1, inC, width), ...rates.map((r, i) => convBnRelu(store, rng, bn, `${p}.convs.${i + 1}`, 3, inC, width, r))];
  const poolConv = conv(store, `${p}.convs.${rates.length + 1}.1`, 1, inC, width, 1, 0, rng);
  const poolBn = batchNorm(store, `${p}.convs.${rates.length + 1}.2`, width, bn);
  const project = convBnRelu(store, rng, bn, `${p}.project`, 1, width * (rates.length + 2), width);
  return (features, training) =>
    tf.tidy(() => {
      const [B, h, w] = features.shape;
      const pooled = tf.relu(poolBn(poolConv(tf.mean(features, [1, 2], true) as tf.Tensor4D), training)); // [B,1,1,A]
      const parts = [...branches.map((b) => b(features, training)), tf.broadcastTo(pooled, [B, h, w, width]) as tf.Tensor4D];
      return project(tf.concat(parts, 3), training); // [B,h,w,A]
    });
}

/** DeepLabv3's 3×3 conv·BN·ReLU after ASPP (`classifier.1`, `.2`); the pixel classifier `classifier.4` follows it. */
export function createV3Refine(store: ParamStore, rng: Rng, bn: BnSettings, width: number): (x: tf.Tensor4D, training: boolean) => tf.Tensor4D {
  const refineConv = conv(store, 'classifier.1', 3, width, width, 1, 1, rng);
  const refineBn = batchNorm(store, 'classifier.2', width, bn);
  return (x, training) => tf.tidy(() => tf.relu(refineBn(refineConv(x), training)));
}
