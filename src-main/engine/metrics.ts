/**
 * Segmentation metrics (DESIGN §1): a confusion matrix accumulated over all pixels of many
 * images, ignoring ground-truth pixels labelled 255 (void). Per class c (background = 0 included):
 * IoU = TP/(TP+FP+FN), precision = TP/(TP+FP), recall = TP/(TP+FN). A class that appears neither
 * in the ground truth nor in the prediction has an undefined IoU (null) and is left out of the
 * mean — the VOC convention (nanmean). Unlike the reference's per-class print, class 0 counts.
 * A prediction of 255 (a pseudo-mask's ignore band) scores nothing: the pixel is counted apart as
 * `unscored`, so the scores describe the pixels a mask commits to, and the count says how many it left.
 * Pure TypeScript.
 */
import { VOID_LABEL } from '@shared/domain/dataset';

export interface ClassScore {
  classIndex: number;
  iou: number | null;
  precision: number | null;
  recall: number | null;
  /** Ground-truth pixels of this class. */
  support: number;
}

export interface SegmentationScores {
  perClass: ClassScore[];
  /** Mean IoU over classes whose IoU is defined (background included); null if none is. */
  miou: number | null;
  /** Correct pixels / scored pixels. */
  pixelAccuracy: number | null;
  /** Scored pixels: non-void in the ground truth, not 255 in the prediction. */
  pixels: number;
  /** Non-void ground-truth pixels the prediction left at 255 (ignore). */
  unscored: number;
}

export class ConfusionMatrix {
  /** counts[gt * n + pred] */
  readonly counts: Float64Array;
  /** Non-void ground-truth pixels predicted 255. */
  unscored = 0;

  constructor(readonly numClasses: number) {
    if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 255) {
      throw new Error(`numClasses must be an integer in 1..255 (background included), got ${numClasses}`);
    }
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /** Accumulate one image; `gt` and `pred` are class-index masks of the same length. */
  add(gt: Uint8Array, pred: Uint8Array): void {
    if (gt.length !== pred.length) throw new Error(`mask sizes differ: gt ${gt.length} vs prediction ${pred.length} pixels`);
    const n = this.numClasses;
    for (let i = 0; i < gt.length; i++) {
      const g = gt[i] as number;
      if (g === VOID_LABEL) continue;
      const p = pred[i] as number;
      if (g >= n) throw new Error(`ground-truth class ${g} at pixel ${i} is outside 0..${n - 1} (and not 255)`);
      if (p === VOID_LABEL) {
        this.unscored += 1;
        continue;
      }
      if (p >= n) throw new Error(`predicted class ${p} at pixel ${i} is outside 0..${n - 1} (and not 255)`);
      this.counts[g * n + p]! += 1;
    }
  }

  /** Add another matrix (e.g. from a shard). */
  merge(other: ConfusionMatrix): void {
    if (other.numClasses !== this.numClasses) throw new Error('cannot merge confusion matrices of different sizes');
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.unscored += other.unscored;
  }

  scores(): SegmentationScores {
    const n = this.numClasses;
    const perClass: ClassScore[] = [];
    let correct = 0;
    let total = 0;
    for (let c = 0; c < n; c++) {
      let rowSum = 0; // GT pixels of c: TP + FN
      let colSum = 0; // predicted pixels of c: TP + FP
      for (let k = 0; k < n; k++) {
        rowSum += this.counts[c * n + k]!;
        colSum += this.counts[k * n + c]!;
      }
      const tp = this.counts[c * n + c]!;
      const union = rowSum + colSum - tp;
      correct += tp;
      total += rowSum;
      perClass.push({
        classIndex: c,
        iou: union > 0 ? tp / union : null,
        precision: colSum > 0 ? tp / colSum : null,
        recall: rowSum > 0 ? tp / rowSum : null,
        support: rowSum,
      });
    }
    const defined = perClass.map((s) => s.iou).filter((v): v is number => v !== null);
    return {
      perClass,
      miou: defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
      pixelAccuracy: total > 0 ? correct / total : null,
      pixels: total,
      unscored: this.unscored,
    };
  }
}
