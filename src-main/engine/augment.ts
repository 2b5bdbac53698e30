/**
 * Training augmentation and input preparation, in plain TypeScript straight from uint8 RGB into
 * one Float32Array (no intermediate tensors): torchvision-style RandomResizedCrop (area scale
 * [cropMinScale, 1], aspect 3/4..4/3, 10 tries then a centre crop), horizontal flip with p = 0.5,
 * bilinear resampling with half-pixel centres, then ImageNet mean/std normalisation. Seeded by an
 * Rng, so the same seed gives the same batches.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '@shared/domain/dataset';
import type { Rng } from './rng';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** torchvision RandomResizedCrop.get_params. */
export function randomResizedCropBox(width: number, height: number, minScale: number, rng: Rng): CropBox {
  const area = width * height;
  const logLo = Math.log(3 / 4);
  const logHi = Math.log(4 / 3);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(minScale, 1);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
  }
  const ratio = width / height;
  let w = width;
  let h = height;
  if (ratio < 3 / 4) h = Math.round(w / (3 / 4));
  else if (ratio > 4 / 3) w = Math.round(h * (4 / 3));
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * Resample `box` of `image` to outH×outW (bilinear, half-pixel centres), optionally mirrored,
 * normalised, written at `out[offset…]` as HWC float32.
 */
export function resampleNormalized(
  image: RgbImage,
  box: CropBox,
  outW: number,
  outH: number,
  flip: boolean,
  out: Float32Array,
  offset: number,
): void {
  const { data, width: W, height: H } = image;
  if (data.length !== W * H * 3) throw new Error(`RGB image data has ${data.length} bytes, expected ${W}×${H}×3`);
  const sy = box.height / outH;
  const sx = box.width / outW;
  const scale = [1 / (255 * IMAGENET_STD[0]), 1 / (255 * IMAGENET_STD[1]), 1 / (255 * IMAGENET_STD[2])];
  const shift = [IMAGENET_MEAN[0] / IMAGENET_STD[0], IMAGENET_MEAN[1] / IMAGENET_STD[1], IMAGENET_MEAN[2] / IMAGENET_STD[2]];
  const x0s = new Int32Array(outW);
  const x1s = new Int32Array(outW);
  const fxs = new Float32Array(outW);
  for (let x = 0; x < outW; x++) {
    const srcX = Math.min(Math.max(box.left + (x + 0.5) * sx - 0.5, 0), W - 1);
    const x0 = Math.floor(srcX);
    x0s[x] = x0;
    x1s[x] = Math.min(x0 + 1, W - 1);
    fxs[x] = srcX - x0;
  }
  for (let y = 0; y < outH; y++) {
    const srcY = Math.min(Math.max(box.top + (y + 0.5) * sy - 0.5, 0), H - 1);
    const y0 = Math.floor(srcY);
    const y1 = Math.min(y0 + 1, H - 1);
    const fy = srcY - y0;
    const row0 = y0 * W * 3;
    const row1 = y1 * W * 3;
    for (let x = 0; x < outW; x++) {
      const a = row0 + x0s[x]! * 3;
      const b = row0 + x1s[x]! * 3;
      const c = row1 + x0s[x]! * 3;
      const d = row1 + x1s[x]! * 3;
      const fx = fxs[x]!;
      const dst = offset + (y * outW + (flip ? outW - 1 - x : x)) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = data[a + ch]! + (data[b + ch]! - data[a + ch]!) * fx;
        const bottom = data[c + ch]! + (data[d + ch]! - data[c + ch]!) * fx;
        out[dst + ch] = (top + (bottom - top) * fy) * scale[ch]! - shift[ch]!;
      }
    }
  }
}

/** Dataset labels (1..K per image, ImageRecord.labels) → multi-hot [B*K] over engine classes. */
export function labelsToMultiHot(datasetLabels: readonly (readonly number[])[], numClasses: number): Float32Array {
  const out = new Float32Array(datasetLabels.length * numClasses);
  datasetLabels.forEach((labels, b) => {
    for (const c of labels) {
      if (!Number.isInteger(c) || c < 1 || c > numClasses) {
        throw new Error(`image ${b}: label ${c} is outside 1..${numClasses} (0 is background and is not a label)`);
      }
      out[b * numClasses + c - 1] = 1;
    }
  });
  return out;
}

export interface AugmentOptions {
  imageSize: number;
  numClasses: number;
  cropMinScale: number;
  hflip: boolean;
}

/** Augmented training batch: images [B,S,S,3], multi-hot labels [B,K] (and as plain data). Caller disposes. */
export function makeTrainBatch(
  images: readonly RgbImage[],
  datasetLabels: readonly (readonly number[])[],
  opts: AugmentOptions,
  rng: Rng,
): { images: tf.Tensor4D; labels: tf.Tensor2D; labelValues: Float32Array } {
  if (images.length === 0) throw new Error('makeTrainBatch: empty batch');
  if (images.length !== datasetLabels.length) throw new Error(`${images.length} images but ${datasetLabels.length} label lists`);
  const S = opts.imageSize;
  const pixels = new Float32Array(images.length * S * S * 3);
  images.forEach((image, b) => {
    const box = randomResizedCropBox(image.width, image.height, opts.cropMinScale, rng);
    const flip = opts.hflip && rng.next() < 0.5;
    resampleNormalized(image, box, S, S, flip, pixels, b * S * S * 3);
  });
  const labels = labelsToMultiHot(datasetLabels, opts.numClasses);
  return {
    images: tf.tensor4d(pixels, [images.length, S, S, 3]),
    labels: tf.tensor2d(labels, [images.length, opts.numClasses]),
    labelValues: labels,
  };
}

/** One image for inference, resized to `size` (default: its own size) and normalised: [1,H,W,3]. */
export function imageToTensor(image: RgbImage, size?: { width: number; height: number }): tf.Tensor4D {
  const outW = size?.width ?? image.width;
  const outH = size?.height ?? image.height;
  const pixels = new Float32Array(outW * outH * 3);
  resampleNormalized(image, { top: 0, left: 0, width: image.width, height: image.height }, outW, outH, false, pixels, 0);
  return tf.tensor4d(pixels, [1, outH, outW, 3]);
}

/** Normalised [H*W*3] floats back to displayable RGB bytes. */
export function denormalizeToRgb(values: Float32Array | number[]): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const ch = i % 3;
    const v = ((values[i] as number) * IMAGENET_STD[ch as 0 | 1 | 2] + IMAGENET_MEAN[ch as 0 | 1 | 2]) * 255;
    out[i] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return out;
}

export function disposeBatch(batch: { images: tf.Tensor; labels: tf.Tensor }): void {
  batch.images.dispose();
  batch.labels.dispose();
}
