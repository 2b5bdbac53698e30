import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@shared/domain/dataset';
import { EaderModel, imageToTensor } from '../engine';
import { useTestBackend } from '../testing/tf-backend';
import { averagedCams, computeImageCams } from './cam-compute';

const image: RgbImage = { width: 40, height: 28, data: Uint8Array.from({ length: 40 * 28 * 3 }, (_, i) => (i * 37 + (i % 7) * 11) % 256) };
const mirror = (img: RgbImage): RgbImage => {
  const data = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) for (let c = 0; c < 3; c++) data[(y * img.width + x) * 3 + c] = img.data[(y * img.width + img.width - 1 - x) * 3 + c]!;
  return { ...img, data };
};
const mirrorPlane = (p: Float32Array, w: number): Float32Array => p.map((_, i) => p[Math.floor(i / w) * w + (w - 1 - (i % w))]!);

let model: EaderModel;
beforeAll(async () => {
  await useTestBackend('wasm');
  model = await EaderModel.create({ numClasses: 3, backbone: 'tiny', adversary: 'none', imageSize: 48, seed: 5 });
});

describe('multi-scale + flip cams', () => {
  it('equal the single-scale cams when scales = [1] and flip is off', async () => {
    const out = { width: 20, height: 14 };
    const averaged = await averagedCams(model, image, [0, 2], [1], false, 1, out);
    const x = imageToTensor(image);
    const single = (await model.cams(x, [[0, 2]], out))[0]!;
    x.dispose();
    single.forEach((c, k) => {
      let max = 0;
      for (const v of c.cam) max = Math.max(max, v);
      const expected = max > 0 ? c.cam.map((v) => v / max) : c.cam;
      expect(Array.from(averaged[k]!)).toEqual(Array.from(expected));
    });
  });

  it('with flip, the cams of the mirrored image are the mirrored cams', async () => {
    const out = { width: 40, height: 28 };
    const a = (await averagedCams(model, image, [1], [1, 0.75], true, 1, out))[0]!;
    const b = (await averagedCams(model, mirror(image), [1], [1, 0.75], true, 1, out))[0]!;
    const mb = mirrorPlane(b, 40);
    for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(mb[i]!, 4);
  });

  it('builds a cache record at the grid size with GT or predicted classes, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const gt = await computeImageCams(model, image, [1, 3], { scales: [1, 0.5], flip: true, labels: 'gt', labelThreshold: 0.5, gridSide: 20, inputMaxSide: null });
    expect(gt).toMatchObject({ imageWidth: 40, imageHeight: 28, width: 20, height: 14, classes: [1, 3] });
    expect(gt.cams.length).toBe(2 * 20 * 14);
    expect(gt.guide.length).toBe(20 * 14 * 3);
    const predicted = await computeImageCams(model, image, [1], { scales: [1], flip: false, labels: 'predicted', labelThreshold: 0, gridSide: 64, inputMaxSide: null });
    expect(predicted.classes).toEqual([1, 2, 3]); // every probability is above 0
    expect(tf.memory().numTensors).toBe(before);
  });
});
