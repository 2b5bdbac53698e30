/** Per-image scores of a pseudo-mask against its ground truth (void 255 ignored). Pure. */
import { VOID_LABEL } from '@shared/domain/dataset';

/**
 * Mean IoU over the classes present in the image's GT or prediction (background included), the
 * per-image analogue of the dataset mIoU; null when every pixel is void.
 */
export function imageIou(gt: Uint8Array, pred: Uint8Array, numClasses: number): number | null {
  if (gt.length !== pred.length) throw new Error(`mask sizes differ: ${gt.length} vs ${pred.length}`);
  const inter = new Float64Array(numClasses);
  const gtCount = new Float64Array(numClasses);
  const predCount = new Float64Array(numClasses);
  for (let i = 0; i < gt.length; i++) {
    const g = gt[i]!;
    if (g === VOID_LABEL) continue;
    const p = pred[i]!;
    if (p === VOID_LABEL) continue; // the mask's ignore band: not scored
    gtCount[g]! += 1;
    predCount[p]! += 1;
    if (g === p) inter[g]! += 1;
  }
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < numClasses; c++) {
    const union = gtCount[c]! + predCount[c]! - inter[c]!;
    if (union > 0) {
      sum += inter[c]! / union;
      classes++;
    }
  }
  return classes > 0 ? sum / classes : null;
}
