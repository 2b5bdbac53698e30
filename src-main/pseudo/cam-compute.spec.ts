import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@shared/domain/dataset';
import { dequantise } from '@shared/pseudo/cam-grid';
import { EaderModel, multiScaleCams } from '../engine';
import { testEngineConfig } from '../testing/engine-config';
import { useTestBackend } from '../testing/tf-backend';
import { computeImageCams } from './cam-compute';

const image: RgbImage = { width: 40, height: 28, data: Uint8Array.from({ length: 40 * 28 * 3 }, (_, i) => (i * 37 + (i % 7) * 11) % 256) };

let model: EaderModel;
beforeAll(async () => {
  await useTestBackend('wasm');
  model = await EaderModel.create(testEngineConfig({ numClasses: 3, backbone: 'tiny', adversary: 'none', imageSize: 48, seed: 5 }));
});

describe('cam cache records', () => {
  it('hold the engine’s multi-scale cams at the grid size, quantised, with GT or predicted classes, and leak no tensors', async () => {
    const before = tf.memory().numTensors;
    const gt = await computeImageCams(model, image, [1, 3], { scales: [1, 0.5], flip: true, labels: 'gt', labelThreshold: 0.5, gridSide: 20, inputMaxSide: null });
    expect(gt).toMatchObject({ imageWidth: 40, imageHeight: 28, width: 20, height: 14, classes: [1, 3] });
    expect(gt.cams.length).toBe(2 * 20 * 14);
    expect(gt.guide.length).toBe(20 * 14 * 3);
    // The one implementation: the record's planes are multiScaleCams at the grid size, to 1/255.
    const engine = await multiScaleCams(model, image, [0, 2], { scales: [1, 0.5], flip: true, outSize: { width: 20, height: 14 } });
    dequantise(gt).forEach((plane, k) => plane.forEach((v, i) => expect(Math.abs(v - engine[k]!.cam[i]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-6)));
    const predicted = await computeImageCams(model, image, [1], { scales: [1], flip: false, labels: 'predicted', labelThreshold: 0, gridSide: 64, inputMaxSide: null });
    expect(predicted.classes).toEqual([1, 2, 3]); // every probability is above 0
    expect(tf.memory().numTensors).toBe(before);
  });
});
