/**
 * The network side of pseudo-masks: per image, the cams of its classes at the cache's grid size,
 * averaged over input scales and a horizontal flip (each pass is min-max normalised by the engine;
 * their mean is re-normalised to a maximum of 1, as `eader infer` does), plus the localizer's
 * probability of each class. Classes come from the GT labels or, with `labels: 'predicted'`, from
 * the probabilities above `labelThreshold`.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '@shared/domain/dataset';
import { gridSize, quantise, resizeRgb } from '@shared/pseudo/cam-grid';
import { imageToTensor, type EaderModel } from '../engine';
import type { CachedCams } from './cam-cache';

export interface CamSettings {
  scales: number[];
  flip: boolean;
  labels: 'gt' | 'predicted';
  labelThreshold: number;
  gridSide: number;
  inputMaxSide: number | null;
}

const scaledSize = (image: RgbImage, s: number): { width: number; height: number } => ({
  width: Math.max(8, Math.round(image.width * s)),
  height: Math.max(8, Math.round(image.height * s)),
});

/** Float cams of engine classes at `out` size, averaged over scales × flips, max-normalised. */
export async function averagedCams(
  model: EaderModel,
  image: RgbImage,
  engineClasses: number[],
  scales: number[],
  flip: boolean,
  baseScale: number,
  out: { width: number; height: number },
): Promise<Float32Array[]> {
  const n = out.width * out.height;
  const sums = engineClasses.map(() => new Float32Array(n));
  for (const scale of scales) {
    const x = imageToTensor(image, scaledSize(image, scale * baseScale)); // [1,h,w,3]
    try {
      for (const mirrored of flip ? [false, true] : [false]) {
        const input = mirrored ? (tf.reverse(x, 2) as tf.Tensor4D) : x;
        try {
          const cams = (await model.cams(input, [engineClasses], out))[0] ?? [];
          cams.forEach((c, k) => {
            const sum = sums[k]!;
            for (let y = 0; y < out.height; y++) {
              const row = y * out.width;
              for (let i = 0; i < out.width; i++) sum[row + i]! += c.cam[row + (mirrored ? out.width - 1 - i : i)]!;
            }
          });
        } finally {
          if (mirrored) input.dispose();
        }
      }
    } finally {
      x.dispose();
    }
  }
  for (const sum of sums) {
    let max = 0;
    for (const v of sum) if (v > max) max = v;
    if (max > 0) for (let i = 0; i < n; i++) sum[i]! /= max;
  }
  return sums;
}

/** Sigmoid probabilities of every engine class for the image at scale 1 (× baseScale). */
export async function classProbabilities(model: EaderModel, image: RgbImage, baseScale: number): Promise<Float32Array> {
  const x = imageToTensor(image, scaledSize(image, baseScale));
  try {
    return await model.predict(x);
  } finally {
    x.dispose();
  }
}

/** The cache record of one image. `gtLabels` are dataset class indices (≥ 1). */
export async function computeImageCams(model: EaderModel, image: RgbImage, gtLabels: readonly number[], settings: CamSettings): Promise<CachedCams> {
  const baseScale = settings.inputMaxSide ? Math.min(1, settings.inputMaxSide / Math.max(image.width, image.height)) : 1;
  const probs = await classProbabilities(model, image, baseScale);
  const classes = settings.labels === 'gt' ? [...gtLabels] : Array.from(probs.keys()).filter((k) => probs[k]! > settings.labelThreshold).map((k) => k + 1);
  const grid = gridSize(image.width, image.height, settings.gridSide);
  const n = grid.width * grid.height;
  const cams = new Uint8Array(classes.length * n);
  if (classes.length > 0) {
    const floats = await averagedCams(model, image, classes.map((c) => c - 1), settings.scales, settings.flip, baseScale, grid);
    floats.forEach((cam, k) => quantise(cam, cams.subarray(k * n, (k + 1) * n)));
  }
  return {
    imageWidth: image.width,
    imageHeight: image.height,
    width: grid.width,
    height: grid.height,
    classes,
    probs: classes.map((c) => probs[c - 1] ?? Number.NaN),
    cams,
    guide: resizeRgb(image.data, image.width, image.height, grid.width, grid.height),
  };
}
