/**
 * The network side of pseudo-masks, for the cam cache and `eader infer` alike: per image, the cams
 * of its classes at the grid size (engine/infer.ts `multiScaleCams`: scales × flip, max-normalised),
 * quantised to bytes, plus the localizer's probability of each class and the image at grid size
 * (the refinement's guide; the cache does not store it: `datasetGuides` makes it again). Classes come from the GT labels or, with `labels: 'predicted'`, from
 * the probabilities above `labelThreshold`. With the run's affinity head, the record also carries
 * the head's embedding of the image at the walk grid (the `rw` refiner's input). Rendering a mask from this record is
 * src-shared/pseudo/render.ts, the same code in the app, the renderer and the CLI.
 */
import type { DatasetIndex, RgbImage } from '@shared/domain/dataset';
import { gridSize, quantise, resizeRgb } from '@shared/pseudo/cam-grid';
import { loadImage } from '../datasets/load';
import { classProbabilities, multiScaleCams, type EaderModel } from '../engine';
import type { AffinityModel } from '../engine/affinity/affinity-model';
import type { CachedCams, CamCacheKey, GuideSource } from './cam-cache';

/** What decides one image's cams (the cache key without the run and checkpoint identity). */
export type CamSettings = Pick<CamCacheKey, 'scales' | 'flip' | 'labels' | 'labelThreshold' | 'gridSide' | 'inputMaxSide'>;

/** The cache record of one image. `gtLabels` are dataset class indices (≥ 1). */
export async function computeImageCams(model: EaderModel, image: RgbImage, gtLabels: readonly number[], settings: CamSettings, affinity: AffinityModel | null = null): Promise<CachedCams> {
  const baseScale = settings.inputMaxSide ? Math.min(1, settings.inputMaxSide / Math.max(image.width, image.height)) : 1;
  const probs = await classProbabilities(model, image, baseScale); // [K] engine classes
  const classes = settings.labels === 'gt' ? [...gtLabels] : Array.from(probs.keys()).filter((k) => probs[k]! > settings.labelThreshold).map((k) => k + 1);
  const grid = gridSize(image.width, image.height, settings.gridSide);
  const n = grid.width * grid.height;
  const cams = new Uint8Array(classes.length * n); // K planes of [grid.height*grid.width]
  if (classes.length > 0) {
    const floats = await multiScaleCams(model, image, classes.map((c) => c - 1), { scales: settings.scales, flip: settings.flip, baseScale, outSize: grid });
    floats.forEach((c, k) => quantise(c.cam, cams.subarray(k * n, (k + 1) * n)));
  }
  return {
    imageWidth: image.width,
    imageHeight: image.height,
    width: grid.width,
    height: grid.height,
    classes,
    probs: classes.map((c) => probs[c - 1] ?? Number.NaN),
    cams,
    guide: guideOf(image, grid.width, grid.height),
    ...(affinity ? { embedding: await affinity.embedding(image, baseScale) } : {}),
  };
}

/** The guide image of a record: the image resized to its grid (the cache stores no guide). */
export const guideOf = (image: RgbImage, width: number, height: number): Uint8Array => resizeRgb(image.data, image.width, image.height, width, height);

/** Guides made from a dataset's images, as `computeImageCams` made them. */
export const datasetGuides =
  (index: DatasetIndex): GuideSource =>
  async (imageId, width, height) =>
    guideOf(await loadImage(index, imageId), width, height);
