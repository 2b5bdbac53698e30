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

export type Head = (features: tf.Tensor4D, training: boolean) => tf.Tensor4D;

/** The head over `inC` feature channels, `width` channels per branch, `outputs` classes (K + 1). */
export function createAsppHead(store: ParamStore, rng: Rng, bn: BnSettings, inC: number, width: number, outputs: number, rates: readonly number[]): Head {
  const branch = (name: string, k: number, rate: number, from: number) => {
    const c = conv(store, `${name}.0`, k, from, width, 1, (rate * (k - 1)) / 2, rng, rate);
    const n = batchNorm(store, `${name}.1`, width, bn);
    return (x: tf.Tensor4D, training: boolean): tf.Tensor4D => tf.relu(n(c(x), training));
  };
  const p = 'classifier.0';
  const branches = [branch(`${p}.convs.0`, 1, 1, inC), ...rates.map((r, i) => branch(`${p}.convs.${i + 1}`, 3, r, inC))];
  const poolConv = conv(store, `${p}.convs.${rates.length + 1}.1`, 1, inC, width, 1, 0, rng);
  const poolBn = batchNorm(store, `${p}.convs.${rates.length + 1}.2`, width, bn);
  const project = branch(`${p}.project`, 1, 1, width * (rates.length + 2));
  const refineConv = conv(store, 'classifier.1', 3, width, width, 1, 1, rng);
  const refineBn = batchNorm(store, 'classifier.2', width, bn);
  // The classifier keeps PyTorch's default Conv2d initialisation (U(±1/√fan_in), bias too), as
  // torchvision's DeepLabHead does; a near-zero one (normal, std 0.01) left the tiny network stuck
  // at the class prior on CPU-length runs (docs/segmenter.md).
  const bound = 1 / Math.sqrt(width);
  const kernel = store.add('classifier.4.weight', tf.tensor4d(new Float32Array(width * outputs).map(() => rng.uniform(-bound, bound)), [1, 1, width, outputs]), true) as tf.Variable<tf.Rank.R4>;
  const classifier = (x: tf.Tensor4D): tf.Tensor4D => tf.conv2d(x, kernel, 1, 0);
  const bias = store.add('classifier.4.bias', tf.tensor1d(new Float32Array(outputs).map(() => rng.uniform(-bound, bound))), true);
  return (features, training) =>
    tf.tidy(() => {
      const [B, h, w] = features.shape;
      const pooled = tf.relu(poolBn(poolConv(tf.mean(features, [1, 2], true) as tf.Tensor4D), training)); // [B,1,1,A]
      const parts = [...branches.map((b) => b(features, training)), tf.broadcastTo(pooled, [B, h, w, width]) as tf.Tensor4D];
      const projected = project(tf.concat(parts, 3), training); // [B,h,w,A]
      const refined = tf.relu(refineBn(refineConv(projected), training)); // [B,h,w,A]
      return tf.add(classifier(refined), bias) as tf.Tensor4D; // [B,h,w,K+1]
    });
}
