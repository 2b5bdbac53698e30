import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantise, dequantiseBackground } from '@shared/pseudo/cam-grid';
import { SegmenterModel } from '../engine/segmenter';
import { syntheticSegmentation } from '../testing/images';
import { testSegmenterConfig } from '../testing/segmenter-config';
import { useTestBackend } from '../testing/tf-backend';
import { computeImagePrediction } from './prediction-compute';
import type { CamSettings } from './cam-compute';

beforeAll(async () => useTestBackend('wasm'));

const S = 32;
const SETTINGS: CamSettings = { scales: [1], flip: false, labels: 'gt', labelThreshold: 0.5, gridSide: S, inputMaxSide: null };
/** Per pixel: background plus every class plane the record holds. */
function planeSums(record: Awaited<ReturnType<typeof computeImagePrediction>>): Float32Array {
  const sums = Float32Array.from(dequantiseBackground(record)!);
  for (const plane of dequantise(record)) plane.forEach((v, i) => (sums[i]! += v));
  return sums;
}

describe('segmenter predictions within image labels', () => {
  const models: SegmenterModel[] = [];
  afterAll(() => models.forEach((m) => m.dispose()));
  const create = async (imageLabels: boolean) => {
    // An untrained network: its softmax spreads over all 4 classes, so a restriction shows.
    const model = await SegmenterModel.create(testSegmenterConfig({ numClasses: 3, imageSize: S, asppChannels: 8, seed: 3, imageLabels }));
    models.push(model);
    return model;
  };
  const image = syntheticSegmentation(1, 5, S).images[0]!;

  it('restricts the softmax to background and the image’s labels: the two planes sum to 1 at every pixel', async () => {
    const model = await create(true);
    const before = tf.memory().numTensors;
    const record = await computeImagePrediction(model, image, [2], SETTINGS);
    expect(tf.memory().numTensors).toBe(before);
    expect(record.classes).toEqual([2]);
    for (const s of planeSums(record)) expect(Math.abs(s - 1)).toBeLessThanOrEqual(1.5 / 255);
  });

  it('does not restrict an image without labels, a network trained on every class, or predicted labels', async () => {
    const within = await create(true);
    const free = await create(false);
    const unrestricted = await computeImagePrediction(free, image, [2], SETTINGS);
    expect(Math.min(...planeSums(unrestricted))).toBeLessThan(0.9); // classes 1 and 3 keep their share
    const noLabels = await computeImagePrediction(within, image, [], SETTINGS);
    expect(noLabels.classes).toEqual([]);
    expect(Math.max(...dequantiseBackground(noLabels)!)).toBeLessThan(0.9); // the full softmax's background
    const predicted = await computeImagePrediction(within, image, [2], { ...SETTINGS, labels: 'predicted', labelThreshold: 0 });
    expect(predicted.classes).toEqual([1, 2, 3]);
    expect(Math.max(...planeSums(predicted))).toBeGreaterThan(0.99); // all planes: the full softmax, summing to 1
    expect(Math.min(...dequantise(predicted)[0]!)).toBeGreaterThan(0); // class 1 not forbidden
  });
});
