/**
 * A segmenter training batch, in plain TypeScript straight from uint8 RGB and class-index masks:
 * the same random resized crop box and flip for an image and its mask (../augment.ts's
 * torchvision-style box), the image resampled bilinearly and normalised, the mask by nearest
 * neighbour (labels are never blended), then a one-hot target and a per-pixel weight map:
 * 0 where the mask says 255 (ignore), `trustedWeight` on a trusted mask's pixels, 1 elsewhere.
 * With `imageLabels`, each image's softmax is restricted to background, its image-level labels and
 * whatever its mask holds (`allowed`): weak supervision comes with image labels for every image,
 * so the network learns where a known class is rather than which class it is.
 * A mask may be smaller than its image (the trainer's image cache caps sizes): it is sampled at
 * the same relative position.
 */
import * as tf from '@tensorflow/tfjs';
import { VOID_LABEL, type IndexMask, type RgbImage } from '@shared/domain/dataset';
import { randomResizedCropBox, resampleNormalized, type CropBox } from '../augment';
import type { Rng } from '../rng';

export interface LabelledImage {
  image: RgbImage;
  /** Class indices 0..K (0 background), 255 ignore. */
  mask: IndexMask;
  /** A corrected or accepted mask: weighs `trustedWeight`. */
  trusted: boolean;
  /** The image's labels (dataset classes ≥ 1), for `imageLabels`. */
  classes?: readonly number[];
}

export interface SegmenterBatchOptions {
  imageSize: number;
  /** Foreground classes K (targets have K + 1 channels). */
  numClasses: number;
  cropMinScale: number;
  hflip: boolean;
  trustedWeight: number;
  /** Restrict each image's softmax to background, its labels and its mask's classes. */
  imageLabels: boolean;
}

export interface SegmenterBatch {
  /** [B,S,S,3] ImageNet-normalised. */
  images: tf.Tensor4D;
  /** [B,S,S,K+1] one-hot; all zeros where the label is 255. */
  targets: tf.Tensor4D;
  /** [B,S,S] per-pixel weights; 0 where the label is 255. */
  weights: tf.Tensor3D;
  /** Per image: was its mask trusted. */
  trusted: boolean[];
  /** [B,K+1] 1 where a class may be predicted, 0 where it may not (null: every class everywhere). */
  allowed: tf.Tensor2D | null;
}

/** Nearest-neighbour crop of `mask` for `box` of an image `imageW`×`imageH`, to S×S, optionally mirrored. */
export function resampleMask(mask: IndexMask, imageW: number, imageH: number, box: CropBox, S: number, flip: boolean, out: Uint8Array, offset: number): void {
  const { data, width: mw, height: mh } = mask;
  if (data.length !== mw * mh) throw new Error(`mask data has ${data.length} bytes, expected ${mw}×${mh}`);
  const fx = mw / imageW;
  const fy = mh / imageH;
  const cols = new Int32Array(S);
  for (let x = 0; x < S; x++) cols[x] = Math.min(mw - 1, Math.max(0, Math.floor((box.left + ((x + 0.5) * box.width) / S) * fx)));
  for (let y = 0; y < S; y++) {
    const row = Math.min(mh - 1, Math.max(0, Math.floor((box.top + ((y + 0.5) * box.height) / S) * fy))) * mw;
    for (let x = 0; x < S; x++) out[offset + y * S + (flip ? S - 1 - x : x)] = data[row + cols[x]!]!;
  }
}

/** One-hot targets [n·C] and weights [n] of labels [n] (C = K + 1 classes). */
export function targetsOf(labels: Uint8Array, numOutputs: number, weight: number, targets: Float32Array, weights: Float32Array, offset: number): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v === VOID_LABEL) continue;
    if (v >= numOutputs) throw new Error(`mask value ${v} is no class (0..${numOutputs - 1}) nor ${VOID_LABEL} (ignore)`);
    targets[(offset + i) * numOutputs + v] = 1;
    weights[offset + i] = weight;
  }
}

/** The augmented batch (caller disposes it with disposeSegmenterBatch). */
export function makeSegmenterBatch(items: readonly LabelledImage[], opts: SegmenterBatchOptions, rng: Rng): SegmenterBatch {
  if (items.length === 0) throw new Error('makeSegmenterBatch: empty batch');
  const S = opts.imageSize;
  const C = opts.numClasses + 1;
  const n = S * S;
  const pixels = new Float32Array(items.length * n * 3);
  const labels = new Uint8Array(n);
  const targets = new Float32Array(items.length * n * C);
  const weights = new Float32Array(items.length * n);
  const allowed = new Float32Array(items.length * C);
  items.forEach(({ image, mask, trusted, classes }, b) => {
    const box = randomResizedCropBox(image.width, image.height, opts.cropMinScale, rng);
    const flip = opts.hflip && rng.next() < 0.5;
    resampleNormalized(image, box, S, S, flip, pixels, b * n * 3);
    resampleMask(mask, image.width, image.height, box, S, flip, labels, 0);
    targetsOf(labels, C, trusted ? opts.trustedWeight : 1, targets, weights, b * n);
    allowed[b * C] = 1;
    for (const c of classes ?? []) if (c >= 1 && c < C) allowed[b * C + c] = 1;
    for (const v of mask.data) if (v < C) allowed[b * C + v] = 1;
  });
  return {
    images: tf.tensor4d(pixels, [items.length, S, S, 3]),
    targets: tf.tensor4d(targets, [items.length, S, S, C]),
    weights: tf.tensor3d(weights, [items.length, S, S]),
    trusted: items.map((it) => it.trusted),
    allowed: opts.imageLabels ? tf.tensor2d(allowed, [items.length, C]) : null,
  };
}

export function disposeSegmenterBatch(batch: SegmenterBatch): void {
  tf.dispose([batch.images, batch.targets, batch.weights, ...(batch.allowed ? [batch.allowed] : [])]);
}
