/**
 * The segmenter's predictions for one image: softmax probabilities averaged over input scales and
 * a horizontal flip (DeepLab's multi-scale inference), at any output size — the segmenter's
 * counterpart of ../infer.ts `multiScaleCams`, with the same options.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '@shared/domain/dataset';
import { imageToTensor } from '../augment';
import { scaledSize, type MultiScaleOptions } from '../infer';
import type { SegmenterModel } from './model';

export interface SegmenterPredictOptions extends MultiScaleOptions {
  /** Restrict the softmax to background and these classes (the image's labels); null or absent: every class. */
  classes?: readonly number[] | null;
}

/** K + 1 planes (background first) of the image's averaged class probabilities, each summing to 1 per pixel. */
export async function multiScaleProbabilities(model: SegmenterModel, image: RgbImage, opts: SegmenterPredictOptions = {}): Promise<Float32Array[]> {
  const { width, height } = opts.outSize ?? image;
  const scales = opts.scales ?? [1];
  const baseScale = opts.baseScale ?? 1;
  if (scales.length === 0 || scales.some((s) => !(s > 0))) throw new Error(`scales must be positive numbers, got [${scales.join(', ')}]`);
  if (!(baseScale > 0)) throw new Error(`baseScale must be positive, got ${baseScale}`);
  const sums = Array.from({ length: model.network.outputs }, () => new Float32Array(width * height)); // (K+1) × [height*width]
  let passes = 0;
  for (const scale of scales) {
    const input = imageToTensor(image, scaledSize(image, scale * baseScale)); // [1,h,w,3]
    const variants: { x: tf.Tensor4D; mirrored: boolean }[] = [{ x: input, mirrored: false }];
    if (opts.flip) variants.push({ x: tf.reverse(input, 2), mirrored: true });
    try {
      for (const { x, mirrored } of variants) {
        const planes = (await model.probabilities(x, { width, height }, [opts.classes ?? null]))[0] ?? [];
        planes.forEach((p, c) => {
          const sum = sums[c]!;
          for (let y = 0; y < height; y++) {
            const row = y * width;
            for (let i = 0; i < width; i++) sum[row + i]! += p[row + (mirrored ? width - 1 - i : i)]!;
          }
        });
        passes++;
      }
    } finally {
      tf.dispose(variants.map((v) => v.x));
    }
  }
  for (const sum of sums) for (let i = 0; i < sum.length; i++) sum[i]! /= passes;
  return sums;
}
