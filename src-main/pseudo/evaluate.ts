/**
 * Scores pseudo-masks rendered from the cam cache against ground truth: the engine's confusion
 * matrix (void ignored, background included in the mIoU), per-image IoU, and the mIoU-vs-threshold
 * sweep. Masks are rendered at the GT's size with the same function "accept" uses, so the numbers
 * equal `eader eval` on the accepted (or written) masks.
 */
import type { IndexMask } from '@shared/domain/dataset';
import { renderPseudoMask, type RenderSettings } from '@shared/pseudo/render';
import { ConfusionMatrix } from '../engine/metrics';
import type { CachedCams } from './cam-cache';
import { imageIou } from './image-metrics';

export interface ScoredItem {
  id: string;
  cams: CachedCams;
  gt: IndexMask;
}

export const SWEEP_THRESHOLDS: readonly number[] = Array.from({ length: 19 }, (_, i) => Math.round((0.05 + 0.05 * i) * 100) / 100);

/** The mask of an image at its ground truth's size (which is the image's size). */
export function maskAtGtSize(item: ScoredItem, settings: RenderSettings): Uint8Array {
  const { cams, gt } = item;
  if (gt.width !== cams.imageWidth || gt.height !== cams.imageHeight) {
    throw new Error(`${item.id}: the ground truth is ${gt.width}×${gt.height}, the image ${cams.imageWidth}×${cams.imageHeight}.`);
  }
  return renderPseudoMask(cams, settings, gt);
}

export function evaluateItems(items: readonly ScoredItem[], settings: RenderSettings, numClasses: number): { matrix: ConfusionMatrix; perImage: Map<string, number | null> } {
  const matrix = new ConfusionMatrix(numClasses);
  const perImage = new Map<string, number | null>();
  for (const item of items) {
    const pred = maskAtGtSize(item, settings);
    try {
      matrix.add(item.gt.data, pred);
    } catch (error) {
      throw new Error(`${item.id}: ${(error as Error).message}`);
    }
    perImage.set(item.id, imageIou(item.gt.data, pred, numClasses));
  }
  return { matrix, perImage };
}

export function thresholdSweep(items: readonly ScoredItem[], settings: RenderSettings, numClasses: number, thresholds: readonly number[] = SWEEP_THRESHOLDS): { threshold: number; miou: number | null }[] {
  const matrices = thresholds.map(() => new ConfusionMatrix(numClasses));
  // Image by image, every threshold in turn: a threshold-free refiner (PAR) refines each image once.
  for (const item of items) thresholds.forEach((threshold, t) => matrices[t]!.add(item.gt.data, maskAtGtSize(item, { ...settings, threshold })));
  return thresholds.map((threshold, t) => ({ threshold, miou: matrices[t]!.scores().miou }));
}
