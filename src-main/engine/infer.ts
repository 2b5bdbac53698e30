/**
 * Inference for pseudo-masks: the cams of an image's classes, averaged over input scales and a
 * horizontal flip (IRN-style multi-scale inference), at any output size: the one implementation
 * `eader infer` and the app's cam cache share (through src-main/pseudo/cam-compute.ts). Each
 * pass's cams are already min-max normalised (cam.ts); their sum is re-normalised by its maximum,
 * so a map that is zero at every scale stays zero. Also: which classes an image without labels
 * has, from the localizer's probabilities.
 *
 * Async, so that tensor reads can become async (webgpu) without touching the callers.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '@shared/domain/dataset';
import { imageToTensor } from './augment';
import type { EaderModel } from './eader-model';
import type { ClassCam } from './types';

export interface MultiScaleOptions {
  /** Input scales relative to the image (× baseScale; default [1]). */
  scales?: readonly number[];
  /** Also run the mirrored image and mirror its cams back (default false). */
  flip?: boolean;
  /** Scale of the network input at scale 1, e.g. to cap the longest side (default 1). */
  baseScale?: number;
  /** Size of the returned cams (default the image's own size). */
  outSize?: { width: number; height: number };
}

/** The network input size of an image at scale `s` (at least 8 px a side). */
export const scaledSize = (image: { width: number; height: number }, s: number): { width: number; height: number } => ({
  width: Math.max(8, Math.round(image.width * s)),
  height: Math.max(8, Math.round(image.height * s)),
});

/** Cams of `classIndices` (engine classes) for one image, averaged over scales × flips, in [0,1]. */
export async function multiScaleCams(model: EaderModel, image: RgbImage, classIndices: readonly number[], opts: MultiScaleOptions = {}): Promise<ClassCam[]> {
  const { width, height } = opts.outSize ?? image;
  const scales = opts.scales ?? [1];
  const baseScale = opts.baseScale ?? 1;
  if (scales.length === 0 || scales.some((s) => !(s > 0))) throw new Error(`scales must be positive numbers, got [${scales.join(', ')}]`);
  if (!(baseScale > 0)) throw new Error(`baseScale must be positive, got ${baseScale}`);
  const sums = classIndices.map(() => new Float32Array(width * height)); // K × [height*width]
  for (const scale of scales) {
    const input = imageToTensor(image, scaledSize(image, scale * baseScale)); // [1,h,w,3]
    const variants: { x: tf.Tensor4D; mirrored: boolean }[] = [{ x: input, mirrored: false }];
    if (opts.flip) variants.push({ x: tf.reverse(input, 2), mirrored: true });
    try {
      for (const { x, mirrored } of variants) {
        const cams = (await model.cams(x, [classIndices], { width, height }))[0] ?? [];
        cams.forEach((c, k) => {
          const sum = sums[k]!;
          for (let y = 0; y < height; y++) {
            const row = y * width;
            for (let i = 0; i < width; i++) sum[row + i]! += c.cam[row + (mirrored ? width - 1 - i : i)]!;
          }
        });
      }
    } finally {
      tf.dispose(variants.map((v) => v.x));
    }
  }
  return sums.map((sum, k) => {
    let max = 0;
    for (const v of sum) if (v > max) max = v;
    if (max > 0) for (let i = 0; i < sum.length; i++) sum[i]! /= max;
    return { classIndex: classIndices[k] ?? 0, width, height, cam: sum };
  });
}

/** Sigmoid probability of every engine class for the image at scale 1 (× baseScale). */
export async function classProbabilities(model: EaderModel, image: RgbImage, baseScale = 1): Promise<Float32Array> {
  const x = imageToTensor(image, scaledSize(image, baseScale)); // [1,h,w,3]
  try {
    return await model.predict(x);
  } finally {
    x.dispose();
  }
}

/** Engine classes whose predicted probability exceeds `threshold` (for images without labels). */
export async function predictedClasses(model: EaderModel, image: RgbImage, threshold = 0.5, baseScale = 1): Promise<number[]> {
  const probs = await classProbabilities(model, image, baseScale);
  return Array.from(probs.keys()).filter((k) => (probs[k] ?? 0) > threshold);
}
