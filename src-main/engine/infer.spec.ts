import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@shared/domain/dataset';
import { EaderModel } from './eader-model';
import { multiScaleCams, predictedClasses } from './infer';
import { useTestBackend } from '../testing/tf-backend';

beforeAll(async () => useTestBackend('wasm'));

function image(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3).fill(90);
  for (let y = 4; y < 14; y++) for (let x = 3; x < 12; x++) data.set([240, 10, 10], (y * width + x) * 3);
  return { width, height, data };
}

describe('multiScaleCams', () => {
  it('returns full-size cams in [0,1] for each class, leaking nothing', async () => {
    const model = await EaderModel.create({ numClasses: 3, backbone: 'tiny', adversary: 'none', camMode: 'cam' }); // CAM: never all-zero
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
});
