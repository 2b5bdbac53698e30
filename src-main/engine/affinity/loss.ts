/**
 * The affinity head's loss (PSA/IRN's balanced form) over node pairs within a radius: pairs whose
 * seeds agree should have affinity 1, pairs whose seeds differ 0; pairs touching an ignored seed
 * (255) do not count. Three means, weighted so each kind counts the same however rare it is:
 *   L = ¼·mean_bgpos(−log(a + ε)) + ¼·mean_fgpos(−log(a + ε)) + ½·mean_neg(−log(1 + ε − a))
 * with a = exp(−mean_d |f_i − f_j|). The pairs are the half disc of offsets (one per ± pair),
 * each as a pair of shifted slices of the embedding: never a dense N×N matrix.
 */
import * as tf from '@tensorflow/tfjs';
import { discOffsets } from '@shared/affinity/random-walk';
import { SEED_IGNORE } from './seeds';

const EPS = 1e-5;

/** One offset's region and which of its pairs are bg-positive, fg-positive and negative. */
interface OffsetMasks {
  dy: number;
  dx: number;
  x0: number;
  rows: number;
  cols: number;
  bgPos: Float32Array;
  fgPos: Float32Array;
  neg: Float32Array;
}

export interface PairMasks {
  batch: number;
  offsets: OffsetMasks[];
  counts: { bgPos: number; fgPos: number; neg: number };
}

/** Pair kinds of seeds [B,h,w] for every half-disc offset within `radius` (plain data, no tensors). */
export function pairMasks(seeds: Uint8Array, batch: number, width: number, height: number, radius: number): PairMasks {
  if (seeds.length !== batch * width * height) throw new Error(`seeds hold ${seeds.length} labels, expected ${batch}×${height}×${width}`);
  const counts = { bgPos: 0, fgPos: 0, neg: 0 };
  const offsets: OffsetMasks[] = [];
  for (const [dy, dx] of discOffsets(radius, true)) {
    const x0 = Math.max(0, -dx);
    const rows = height - dy;
    const cols = Math.min(width, width - dx) - x0;
    if (rows <= 0 || cols <= 0) continue;
    const m = rows * cols;
    const bgPos = new Float32Array(batch * m);
    const fgPos = new Float32Array(batch * m);
    const neg = new Float32Array(batch * m);
    for (let b = 0; b < batch; b++) {
      for (let y = 0; y < rows; y++) {
        for (let c = 0; c < cols; c++) {
          const a = seeds[(b * height + y) * width + x0 + c]!;
          const o = seeds[(b * height + y + dy) * width + x0 + c + dx]!;
          if (a === SEED_IGNORE || o === SEED_IGNORE) continue;
          const k = b * m + y * cols + c;
          if (a !== o) {
            neg[k] = 1;
            counts.neg++;
          } else if (a === 0) {
            bgPos[k] = 1;
            counts.bgPos++;
          } else {
            fgPos[k] = 1;
            counts.fgPos++;
          }
        }
      }
    }
    offsets.push({ dy, dx, x0, rows, cols, bgPos, fgPos, neg });
  }
  return { batch, offsets, counts };
}

/** The loss of embedding f [B,h,w,D] on the pairs of `masks` (a scalar; 0 when no pair counts). */
export function affinityLoss(f: tf.Tensor4D, masks: PairMasks): tf.Scalar {
  return tf.tidy(() => {
    const [B, , , D] = f.shape;
    let bg: tf.Tensor = tf.scalar(0);
    let fg: tf.Tensor = tf.scalar(0);
    let neg: tf.Tensor = tf.scalar(0);
    for (const o of masks.offsets) {
      const a = f.slice([0, 0, o.x0, 0], [B, o.rows, o.cols, D]);
      const b = f.slice([0, o.dy, o.x0 + o.dx, 0], [B, o.rows, o.cols, D]);
      const aff = tf.reshape(tf.exp(tf.neg(tf.mean(tf.abs(tf.sub(a, b)), 3))), [-1]); // [B*rows*cols]
      const pos = tf.neg(tf.log(tf.add(aff, EPS)));
      if (masks.counts.bgPos) bg = tf.add(bg, tf.sum(tf.mul(pos, tf.tensor1d(o.bgPos))));
      if (masks.counts.fgPos) fg = tf.add(fg, tf.sum(tf.mul(pos, tf.tensor1d(o.fgPos))));
      if (masks.counts.neg) neg = tf.add(neg, tf.sum(tf.mul(tf.neg(tf.log(tf.sub(1 + EPS, aff))), tf.tensor1d(o.neg))));
    }
    const { bgPos, fgPos, neg: nNeg } = masks.counts;
    const term = (sum: tf.Tensor, count: number, weight: number): tf.Tensor => (count ? tf.mul(sum, weight / count) : tf.scalar(0));
    return tf.addN([term(bg, bgPos, 0.25), term(fg, fgPos, 0.25), term(neg, nNeg, 0.5)]) as tf.Scalar;
  });
}
