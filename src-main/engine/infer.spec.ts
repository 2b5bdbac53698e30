import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@shared/domain/dataset';
import { EaderModel } from './eader-model';
import { classProbabilities, multiScaleCams, predictedClasses } from './infer';
import { testEngineConfig } from '../testing/engine-config';
import { useTestBackend } from '../testing/tf-backend';

beforeAll(async () => useTestBackend('wasm'));

function image(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3).fill(90);
  for (let y = 4; y < 14; y++) for (let x = 3; x < 12; x++) data.set([240, 10, 10], (y * width + x) * 3);
  return { width, height, data };
}

const mirror = (img: RgbImage): RgbImage => {
  const data = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) for (let c = 0; c < 3; c++) data[(y * img.width + x) * 3 + c] = img.data[(y * img.width + img.width - 1 - x) * 3 + c]!;
  return { ...img, data };
};

describe('multiScaleCams', () => {
  it('returns full-size cams in [0,1] for each class, leaking nothing', async () => {
    const model = await EaderModel.create(testEngineConfig({ numClasses: 3, backbone: 'tiny', adversary: 'none', camMethod: 'cam' })); // CAM: never all-zero
    const img = image(40, 28);
    const before = tf.memory().numTensors;
    const cams = await multiScaleCams(model, img, [0, 2], { scales: [0.75, 1, 1.5], flip: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(cams.map((c) => [c.classIndex, c.width, c.height, c.cam.length])).toEqual([[0, 40, 28, 1120], [2, 40, 28, 1120]]);
    for (const c of cams) {
      expect(Math.max(...c.cam)).toBeCloseTo(1, 5);
      expect(Math.min(...c.cam)).toBeGreaterThanOrEqual(0);
    }
    // one scale, no flip: exactly the model's own cam, renormalised (already max 1 or all zero)
    const single = (await multiScaleCams(model, img, [1]))[0]!;
    const direct = (await model.cams(tf.tidy(() => tf.tensor4d(Array.from(img.data, (v, i) => (v / 255 - [0.485, 0.456, 0.406][i % 3]!) / [0.229, 0.224, 0.225][i % 3]!), [1, 28, 40, 3])), [[1]]))[0]![0]!;
    single.cam.forEach((v, i) => expect(v).toBeCloseTo(direct.cam[i] ?? NaN, 4));
    await expect(multiScaleCams(model, img, [0], { scales: [] })).rejects.toThrow(/scales/);
    expect((await predictedClasses(model, img, 0)).length).toBe(3);
    expect(await predictedClasses(model, img, 1)).toEqual([]);
    model.dispose();
  });

  it('at another output size equals the model\'s cams there; with flip, a mirrored image gives mirrored cams', async () => {
    const model = await EaderModel.create(testEngineConfig({ numClasses: 3, backbone: 'tiny', adversary: 'none', imageSize: 48, seed: 5 }));
    const img: RgbImage = { width: 40, height: 28, data: Uint8Array.from({ length: 40 * 28 * 3 }, (_, i) => (i * 37 + (i % 7) * 11) % 256) };
    const out = { width: 20, height: 14 };
    const averaged = await multiScaleCams(model, img, [0, 2], { outSize: out });
    const x = tf.tidy(() => tf.tensor4d(Array.from(img.data, (v, i) => (v / 255 - [0.485, 0.456, 0.406][i % 3]!) / [0.229, 0.224, 0.225][i % 3]!), [1, 28, 40, 3]));
    const single = (await model.cams(x, [[0, 2]], out))[0]!;
    x.dispose();
    single.forEach((c, k) => {
      const max = Math.max(...c.cam);
      averaged[k]!.cam.forEach((v, i) => expect(v).toBeCloseTo(max > 0 ? c.cam[i]! / max : c.cam[i]!, 5));
    });
    const full = { width: 40, height: 28 };
    const a = (await multiScaleCams(model, img, [1], { scales: [1, 0.75], flip: true, outSize: full }))[0]!.cam;
    const b = (await multiScaleCams(model, mirror(img), [1], { scales: [1, 0.75], flip: true, outSize: full }))[0]!.cam;
    for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[Math.floor(i / 40) * 40 + (39 - (i % 40))]!, 4);
    // baseScale shrinks the input: the probabilities differ from scale 1, and nothing leaks.
    const before = tf.memory().numTensors;
    const p1 = await classProbabilities(model, img, 1);
    const pHalf = await classProbabilities(model, img, 0.5);
    expect(Array.from(p1)).not.toEqual(Array.from(pHalf));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
