/**
 * "Learned nothing" made visible (src-shared/domain/validation.ts): the localizer's classification
 * BCE on the validation split against the label prior, the BCE of predicting each class's training
 * frequency for every image (issue 14: a run at 0.473 against a prior of 0.471 gave all-background
 * masks). Both are means over (image, foreground class), the way the training loss is.
 */
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import { splitNames } from '../datasets/select';

const CLAMP = 1e-7;

/** One image's binary cross-entropy, mean over the K classes. `probs`: K sigmoid outputs; `labels`: dataset classes 1..K. */
export function imageBce(probs: ArrayLike<number>, labels: readonly number[], K: number): number {
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const y = labels.includes(k + 1) ? 1 : 0;
    const p = Math.min(1 - CLAMP, Math.max(CLAMP, probs[k] ?? Number.NaN));
    sum -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
  }
  return sum / K;
}

/** Each class's frequency among the `train` images (index k = dataset class k + 1). */
export function classFrequencies(train: readonly ImageRecord[], K: number): Float64Array {
  const freq = new Float64Array(K);
  for (const r of train) for (const c of new Set(r.labels)) if (c >= 1 && c <= K) freq[c - 1]! += 1;
  return freq.map((n) => n / Math.max(1, train.length));
}

/** The label prior: the mean BCE on `evaluated` of predicting `classFrequencies(train)` for every image. */
export function labelPriorBce(train: readonly ImageRecord[], evaluated: readonly ImageRecord[], K: number): number {
  if (evaluated.length === 0) return Number.NaN;
  const freq = classFrequencies(train, K);
  return evaluated.reduce((s, r) => s + imageBce(freq, r.labels, K), 0) / evaluated.length;
}

/** The split a run is validated on: "val" when the dataset has labelled images there and trains on another, else null. */
export function validationSplit(index: DatasetIndex, trainSplit: string): string | null {
  if (trainSplit === 'val' || !splitNames(index).includes('val')) return null;
  return index.images.some((r) => r.splits.includes('val') && r.labels.length > 0) ? 'val' : null;
}
