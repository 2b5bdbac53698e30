/**
 * Inference helpers for pseudo-masks: cams at full image size, optionally averaged over several
 * input scales and a horizontal flip (IRN-style multi-scale inference). Each scale's cams are
 * already min-max normalised (cam.ts); their mean is re-normalised by its maximum, so a map that is
 * zero at every scale stays zero. Also: which classes to use when an image has no labels.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '@shared/domain/dataset';
import { imageToTensor } from './augment';
import type { EaderModel } from './eader-model';
import type { ClassCam } from './types';

export interface MultiScaleOptions {
  /** Input scales relative to the image (default [1]). */
  scales?: readonly number[];
  /** Also run the mirrored image and mirror its cams back (default false). */
  flip?: boolean;
}

function mirrorRows(cam: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(cam.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = cam[row + width - 1 - x] ?? 0;
  }
  return out;
}

/** Cams of `classIndices` (engine classes) for one image, at the image's own size. */
export async function multiScaleCams(model: EaderModel, image: RgbImage, classIndices: readonly number[], opts: MultiScaleOptions = {}): Promise<ClassCam[]> {
  const { width, height } = image;
  const scales = opts.scales ?? [1];
  if (scales.length === 0 || scales.some((s) => !(s > 0))) throw new Error(`scales must be positive numbers, got [${scales.join(', ')}]`);
  const sums = classIndices.map(() => new Float32Array(width * height));
  for (const scale of scales) {
    const size = { width: Math.max(8, Math.round(width * scale)), height: Math.max(8, Math.round(height * scale)) };
    const input = imageToTensor(image, size);
    const variants: { x: tf.Tensor4D; mirrored: boolean }[] = [{ x: input, mirrored: false }];
    if (opts.flip) variants.push({ x: tf.reverse(input, 2), mirrored: true });
    try {
      for (const { x, mirrored } of variants) {
        const cams = (await model.cams(x, [classIndices], { width, height }))[0] ?? [];
        cams.forEach((c, j) => {
          const values = mirrored ? mirrorRows(c.cam, width, height) : c.cam;
          const sum = sums[j];
          if (sum) for (let i = 0; i < sum.length; i++) sum[i]! += values[i] ?? 0;
        });
      }
    } finally {
      tf.dispose(variants.map((v) => v.x));
    }
  }
  return sums.map((sum, j) => {
    let max = 0;
    for (const v of sum) if (v > max) max = v;
    if (max > 0) for (let i = 0; i < sum.length; i++) sum[i]! /= max;
    return { classIndex: classIndices[j] ?? 0, width, height, cam: sum };
  });
}

/** Engine classes whose predicted probability exceeds `threshold` (for images without labels). */
export async function predictedClasses(model: EaderModel, image: RgbImage, threshold = 0.5, size?: { width: number; height: number }): Promise<number[]> {
  const x = imageToTensor(image, size);
  let probs: Float32Array;
  try {
    probs = await model.predict(x);
  } finally {
    x.dispose();
  }
  return Array.from(probs.keys()).filter((k) => (probs[k] ?? 0) > threshold);
}
