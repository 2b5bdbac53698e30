/**
 * The network side of a segmenter run as a mask source: per image, its predicted probabilities at
 * the grid size (engine/segmenter/predict.ts: scales × flip, averaged), quantised into the cam
 * cache's record with a background plane (cam-cache.ts version 2), so that everything after — the
 * renderer's previews, evaluation, the review queue, accepting, `eader infer`'s PNGs — is the one
 * pipeline of src-shared/pseudo/render.ts. Classes: with `labels: 'gt'` the image's labels (a network
 * trained within image labels then has its softmax restricted to background and those, so the
 * probabilities, the ignore band and the uncertainty signals see the classes training saw), with
 * `'predicted'` every class that is the argmax somewhere or reaches `labelThreshold` somewhere.
 */
import type { RgbImage } from '@shared/domain/dataset';
import { gridSize, quantise, resizeRgb } from '@shared/pseudo/cam-grid';
import { multiScaleProbabilities, type SegmenterModel } from '../engine/segmenter';
import type { CachedCams } from './cam-cache';
import type { CamSettings } from './cam-compute';

/** Classes 1..K present in a prediction: argmax winners, or a pixel at `threshold` or more. */
export function predictedClasses(planes: readonly Float32Array[], threshold: number): number[] {
  const n = planes[0]?.length ?? 0;
  const present = new Set<number>();
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < planes.length; c++) {
      const v = planes[c]![i]!;
      if (v > planes[best]![i]!) best = c;
      if (v >= threshold) present.add(c);
    }
    if (best > 0) present.add(best);
  }
  return [...present].sort((a, b) => a - b);
}

function highest(plane: Float32Array): number {
  let max = 0;
  for (const v of plane) if (v > max) max = v;
  return max;
}

/** The prediction record of one image. `gtLabels` are dataset class indices (≥ 1). */
export async function computeImagePrediction(model: SegmenterModel, image: RgbImage, gtLabels: readonly number[], settings: CamSettings): Promise<CachedCams> {
  const baseScale = settings.inputMaxSide ? Math.min(1, settings.inputMaxSide / Math.max(image.width, image.height)) : 1;
  const grid = gridSize(image.width, image.height, settings.gridSide);
  const n = grid.width * grid.height;
  // Within image labels (a network trained so, an image with labels, the image's labels asked for): its softmax over background and them.
  const within = model.config.imageLabels && settings.labels === 'gt' && gtLabels.length > 0 ? gtLabels : null;
  const planes = await multiScaleProbabilities(model, image, { scales: settings.scales, flip: settings.flip, baseScale, outSize: grid, classes: within }); // (K+1) × [n]
  const classes = settings.labels === 'gt' ? [...gtLabels] : predictedClasses(planes, settings.labelThreshold);
  const cams = new Uint8Array(classes.length * n);
  classes.forEach((c, k) => {
    const plane = planes[c];
    if (!plane) throw new Error(`class ${c} is not one of the segmenter's ${planes.length - 1} classes`);
    quantise(plane, cams.subarray(k * n, (k + 1) * n));
  });
  return {
    imageWidth: image.width,
    imageHeight: image.height,
    width: grid.width,
    height: grid.height,
    classes,
    probs: classes.map((c) => highest(planes[c]!)),
    cams,
    guide: resizeRgb(image.data, image.width, image.height, grid.width, grid.height),
    background: quantise(planes[0]!),
  };
}
