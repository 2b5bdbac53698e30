import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@shared/domain/dataset';
import { IMAGENET_MEAN, IMAGENET_STD, denormalizeToRgb, imageToTensor, labelsToMultiHot, makeTrainBatch, randomResizedCropBox } from './augment';
import { makeRng } from './rng';
import { useTestBackend } from '../testing/tf-backend';

beforeAll(async () => useTestBackend('cpu'));

function gradientImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x * 4, y * 4, 128], (y * width + x) * 3);
  return { width, height, data };
}
const opts = { imageSize: 24, numClasses: 3, cropMinScale: 0.3, hflip: true };

describe('augment', () => {
  it('crop boxes stay inside the image with area ≥ min scale and aspect in [3/4, 4/3]', () => {
    const rng = makeRng(5);
    for (let i = 0; i < 200; i++) {
      const b = randomResizedCropBox(60, 40, 0.3, rng);
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.top + b.height).toBeLessThanOrEqual(40);
      expect(b.left + b.width).toBeLessThanOrEqual(60);
      expect(b.width * b.height).toBeGreaterThanOrEqual(0.3 * 2400 * 0.9);
    }
  });

  it('makes a normalised [B,S,S,3] batch, reproducible from the seed', () => {
    const imgs = [gradientImage(40, 30), gradientImage(20, 50)];
    const a = makeTrainBatch(imgs, [[1], [2, 3]], opts, makeRng(9));
    const b = makeTrainBatch(imgs, [[1], [2, 3]], opts, makeRng(9));
    const c = makeTrainBatch(imgs, [[1], [2, 3]], opts, makeRng(10));
    expect(a.images.shape).toEqual([2, 24, 24, 3]);
    expect(Array.from(a.labels.dataSync())).toEqual([1, 0, 0, 0, 1, 1]);
    expect(Array.from(a.images.dataSync())).toEqual(Array.from(b.images.dataSync()));
    expect(Array.from(a.images.dataSync())).not.toEqual(Array.from(c.images.dataSync()));
    const blue = a.images.dataSync()[2] ?? NaN; // constant 128 channel
    expect(blue).toBeCloseTo((128 / 255 - IMAGENET_MEAN[2]) / IMAGENET_STD[2], 4);
  });

  it('imageToTensor keeps size by default and round-trips through denormalisation', () => {
    const img = gradientImage(5, 4);
    const t = imageToTensor(img);
    expect(t.shape).toEqual([1, 4, 5, 3]);
    expect(Array.from(denormalizeToRgb(t.dataSync() as Float32Array))).toEqual(Array.from(img.data));
    expect(imageToTensor(img, { width: 9, height: 3 }).shape).toEqual([1, 3, 9, 3]);
    tf.dispose(t);
  });

  it('flips horizontally', () => {
    const img = gradientImage(8, 8);
    // full-image crop (area 1, aspect exp(mean of the log range) = 1), flip drawn (0.1 < 0.5)
    const rng = { next: () => 0.1, uniform: (lo: number, hi: number) => (lo + hi) / 2, int: () => 0, normal: () => 0 };
    const flipped = makeTrainBatch([img], [[1]], { ...opts, imageSize: 8, cropMinScale: 1, hflip: true }, rng);
    const rgb = denormalizeToRgb(flipped.images.dataSync() as Float32Array);
    expect(rgb[0]).toBe(28); // x = 7 → 7·4
    expect(rgb[7 * 3]).toBe(0);
  });

  it('rejects labels outside 1..K', () => {
    expect(() => labelsToMultiHot([[0]], 3)).toThrow(/outside 1..3/);
    expect(() => labelsToMultiHot([[4]], 3)).toThrow(/outside/);
  });
});
