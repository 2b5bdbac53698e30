import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEGMENTER_PRESETS, SegmenterConfig } from '@shared/domain/segmenter-config';
import { ConfigError } from '../settings';
import { makeRng } from '../rng';
import { imageToTensor } from '../augment';
import { syntheticSegmentation } from '../../testing/images';
import { testSegmenterConfig } from '../../testing/segmenter-config';
import { useTestBackend } from '../../testing/tf-backend';
import { asppRates } from './aspp';
import { disposeSegmenterBatch, makeSegmenterBatch, resampleMask } from './batch';
import { SegmenterModel } from './model';
import { multiScaleProbabilities } from './predict';
import { polyFactor, segmenterEngineConfig } from './settings';
import { upsampleBilinear } from './upsample';
import { resizeBilinear3d } from '../resize';

beforeAll(async () => useTestBackend('wasm'));

const S = 32;
const STEPS = 40;
const tinyConfig = (values: Parameters<typeof testSegmenterConfig>[0]) => testSegmenterConfig({ imageSize: S, asppChannels: 16, cropMinScale: 0.6, optimizer: 'adam', lr: 5e-3, weightDecay: 0, ...values });

describe('segmenter settings', () => {
  it('refuse what cannot be built, naming the setting', () => {
    const quick = SEGMENTER_PRESETS.quick;
    expect(SegmenterConfig.safeParse({ ...quick, outputStride: '16' }).error?.issues[0]).toMatchObject({ path: ['outputStride'], message: expect.stringContaining('must be 8 for the tiny backbone') as unknown });
    expect(SegmenterConfig.safeParse({ ...quick, backbone: 'resnet50', outputStride: '16', imageSize: 31 }).error?.issues[0]).toMatchObject({ path: ['imageSize'] });
    expect(SegmenterConfig.safeParse({ ...quick, trustedWeight: 0 }).success).toBe(false);
    expect(() => segmenterEngineConfig({ ...quick, lr: -1 }, 2)).toThrow(ConfigError);
    expect(() => segmenterEngineConfig(quick, 0)).toThrow(/foreground class/);
    expect(SegmenterConfig.parse(SEGMENTER_PRESETS.deeplab)).toMatchObject({ backbone: 'resnet101', outputStride: '16', imageSize: 321 });
  });

  it('poly decay: 1 at the start, 0 at the end, (1 − t/T)^0.9 between', () => {
    expect([polyFactor(0, 100), polyFactor(100, 100), polyFactor(150, 100)]).toEqual([1, 0, 0]);
    expect(polyFactor(50, 100)).toBeCloseTo(0.5 ** 0.9, 12);
  });

  it('size the ASPP rates to the feature map: DeepLabv3’s 6,12,18 at 33 cells, 12,24,35 at 65, increasing and inside small maps', () => {
    expect(asppRates(33)).toEqual([6, 12, 18]);
    expect(asppRates(65)).toEqual([12, 24, 35]);
    expect(asppRates(12)).toEqual([2, 4, 7]);
    expect(asppRates(4)).toEqual([1, 2, 3]);
    expect(asppRates(1)).toEqual([1, 1, 1]);
  });
});

describe('segmenter batches', () => {
  it('crop and flip an image and its mask alike; 255 gets weight 0, trusted masks their weight', () => {
    const { images, masks } = syntheticSegmentation(4, 3, S);
    masks[1]!.data.fill(255, 0, S); // an ignored top row
    const opts = { imageSize: S, numClasses: 2, cropMinScale: 0.5, hflip: true, trustedWeight: 4, imageLabels: true };
    const batch = makeSegmenterBatch(images.map((image, i) => ({ image, mask: masks[i]!, trusted: i === 2 })), opts, makeRng(9));
    const pixels = batch.images.dataSync();
    const targets = batch.targets.dataSync();
    const weights = batch.weights.dataSync();
    let checked = 0;
    for (let p = 0; p < 4 * S * S; p++) {
      const red = pixels[p * 3]! > 1.5 && pixels[p * 3 + 2]! < 0; // normalised red pixel
      const cls = [0, 1, 2].find((c) => targets[p * 3 + c] === 1);
      if (red && weights[p]! > 0 && pixels[p * 3 + 1]! < -1) {
        expect(cls, `pixel ${p}`).toBe(1);
        checked++;
      }
      const b = Math.floor(p / (S * S));
      if (weights[p] === 0) expect(cls).toBeUndefined();
      else expect(weights[p]).toBe(b === 2 ? 4 : 1);
    }
    expect(checked).toBeGreaterThan(50);
    expect(batch.trusted).toEqual([false, false, true, false]);
    // within image labels: background, and the classes each image's mask holds (these images' labels)
    const allowed = Array.from(batch.allowed!.dataSync());
    masks.forEach((m, b) => expect(allowed.slice(b * 3, b * 3 + 3), `image ${b}`).toEqual([0, 1, 2].map((c) => (c === 0 || m.data.includes(c) ? 1 : 0))));
    disposeSegmenterBatch(batch);
  });

  it('within image labels: an image label its mask misses is still allowed; off, no restriction at all', () => {
    const { images, masks } = syntheticSegmentation(2, 3, S);
    const opts = { imageSize: S, numClasses: 3, cropMinScale: 1, hflip: false, trustedWeight: 1, imageLabels: true };
    masks[0]!.data.fill(0); // a pseudo-mask that found nothing, on an image labelled 3
    const items = [
      { image: images[0]!, mask: masks[0]!, trusted: false, classes: [3] },
      { image: images[1]!, mask: masks[1]!, trusted: false, classes: [] },
    ];
    const batch = makeSegmenterBatch(items, opts, makeRng(1));
    const inMask = (c: number) => (masks[1]!.data.includes(c) ? 1 : 0);
    expect(Array.from(batch.allowed!.dataSync())).toEqual([1, 0, 0, 1, 1, inMask(1), inMask(2), inMask(3)]);
    disposeSegmenterBatch(batch);
    const off = makeSegmenterBatch(items, { ...opts, imageLabels: false }, makeRng(1));
    expect(off.allowed).toBeNull();
    disposeSegmenterBatch(off);
  });

  it('sample a smaller mask at the same relative position, by nearest neighbour', () => {
    const mask = { width: 2, height: 2, data: Uint8Array.from([1, 2, 3, 4]) };
    const out = new Uint8Array(16);
    resampleMask(mask, 8, 8, { top: 0, left: 0, width: 8, height: 8 }, 4, false, out, 0);
    expect(Array.from(out)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    resampleMask(mask, 8, 8, { top: 0, left: 4, width: 4, height: 4 }, 2, true, out, 0);
    expect(Array.from(out.subarray(0, 4))).toEqual([2, 2, 2, 2]);
  });
});

describe('SegmenterModel', () => {
  it('upsamples through the interpolation matrices, plane by plane', () => {
    const x = tf.randomUniform([2, 3, 4, 5], 0, 1, 'float32', 1) as tf.Tensor4D;
    const up = upsampleBilinear(x, 7, 9);
    const plane = resizeBilinear3d(tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [10, 3, 4]) as tf.Tensor3D, 7, 9);
    const expected = tf.transpose(tf.reshape(plane, [2, 5, 7, 9]), [0, 2, 3, 1]);
    expect(up.shape).toEqual([2, 7, 9, 5]);
    const a = up.dataSync();
    expected.dataSync().forEach((v, i) => expect(a[i]).toBeCloseTo(v, 6));
    tf.dispose([x, up, plane, expected]);
  });

  it('learns squares from their masks in a few dozen steps; steps, predictions and states leak nothing', async () => {
    const model = await SegmenterModel.create(tinyConfig({ numClasses: 2 }));
    const { images, masks } = syntheticSegmentation(8, 1, S);
    const items = images.map((image, i) => ({ image, mask: masks[i]!, trusted: i < 2 }));
    const rng = makeRng(4);
    const first = makeSegmenterBatch(items, model.batchOptions, rng);
    const warm = await model.step(first);
    disposeSegmenterBatch(first);
    const before = tf.memory().numTensors;
    const results = [];
    for (let i = 0; i < STEPS; i++) {
      const batch = makeSegmenterBatch(items, model.batchOptions, rng);
      results.push(await model.step(batch, polyFactor(i, STEPS + 20)));
      disposeSegmenterBatch(batch);
    }
    const test = syntheticSegmentation(4, 77, S);
    let correct = 0;
    let foreground = 0;
    for (let i = 0; i < 4; i++) {
      const planes = await multiScaleProbabilities(model, test.images[i]!, { scales: [1], flip: true });
      const gt = test.masks[i]!.data;
      for (let p = 0; p < S * S; p++) {
        const label = [0, 1, 2].reduce((best, c) => (planes[c]![p]! > planes[best]![p]! ? c : best), 0);
        if (gt[p] !== 0) foreground++;
        if (gt[p] !== 0 && label === gt[p]) correct++;
      }
    }
    const state = await model.getState();
    expect(tf.memory().numTensors).toBe(before);
    expect(warm.step).toBe(0);
    expect(results.at(-1)!.step).toBe(STEPS);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(results.slice(-5).map((r) => r.losses.ce))).toBeLessThan(0.6 * mean(results.slice(0, 5).map((r) => r.losses.ce)));
    expect(correct / foreground).toBeGreaterThan(0.4); // square pixels found and told apart on unseen images (the class prior alone finds none)
    for (const r of results) {
      expect(r.pixels.trusted).toBeGreaterThan(0);
      expect(r.losses.ceTrusted).not.toBeNull();
      expect(r.losses.total).toBeCloseTo(r.losses.ce, 4); // trustedWeight 1: the weighted mean is the plain one
    }
    expect(state.tensors.some((t) => t.name === 'segmenter/classifier.0.convs.1.0.weight')).toBe(true);
    model.dispose();
  });

  it('separate heads: each image trains its source’s classifier; predictions use the pseudo head until a trusted image trained, and a state keeps that', async () => {
    const config = tinyConfig({ numClasses: 2, trustedHead: true, decoder: 'v3plus', weightDecay: 0 });
    const { images, masks } = syntheticSegmentation(4, 3, S);
    const batchOf = (model: SegmenterModel, trusted: boolean) => makeSegmenterBatch(images.map((image, i) => ({ image, mask: masks[i]!, trusted })), model.batchOptions, makeRng(1));
    const weights = async (model: SegmenterModel, name: string) => Array.from(await model.network.store.get(name).data());
    for (const trusted of [false, true]) {
      const model = await SegmenterModel.create(config);
      const [main0, pseudo0] = [await weights(model, 'decoder.classifier.weight'), await weights(model, 'decoder.pseudo.weight')];
      expect(model.predictionHead).toBe('pseudo');
      const batch = batchOf(model, trusted);
      await model.step(batch);
      disposeSegmenterBatch(batch);
      const [main1, pseudo1] = [await weights(model, 'decoder.classifier.weight'), await weights(model, 'decoder.pseudo.weight')];
      // the head of the other source got no gradient: Adam's first step leaves it exactly where it was
      expect(main1).toEqual(trusted ? expect.not.arrayContaining([main0[0]]) : main0);
      expect(pseudo1).toEqual(trusted ? pseudo0 : expect.not.arrayContaining([pseudo0[0]]));
      expect(model.predictionHead).toBe(trusted ? 'main' : 'pseudo');
      const restored = await SegmenterModel.create(config, { restoring: true });
      restored.setState(await model.getState());
      expect(restored.predictionHead).toBe(model.predictionHead);
      const x = imageToTensor(images[0]!);
      expect((await restored.probabilities(x))[0]).toEqual((await model.probabilities(x))[0]);
      x.dispose();
      model.dispose();
      restored.dispose();
    }
  });

  it('restores a state exactly: the same probabilities, then the same next step', async () => {
    const config = tinyConfig({ numClasses: 2, seed: 5 });
    const a = await SegmenterModel.create(config);
    const { images, masks } = syntheticSegmentation(4, 2, S);
    const items = images.map((image, i) => ({ image, mask: masks[i]!, trusted: false }));
    for (let i = 0; i < 3; i++) {
      const batch = makeSegmenterBatch(items, a.batchOptions, makeRng(i));
      await a.step(batch);
      disposeSegmenterBatch(batch);
    }
    const b = await SegmenterModel.create({ ...config, seed: 99 });
    b.setState(await a.getState());
    const x = imageToTensor(images[0]!);
    const free = (await a.probabilities(x))[0]!;
    expect((await b.probabilities(x))[0]).toEqual(free);
    // within labels [1]: background and class 1 renormalised, class 2 at 0 (of 3 planes)
    const within = (await a.probabilities(x, undefined, [[1]]))[0]!;
    expect(within[2]!.every((v) => v === 0)).toBe(true);
    for (const i of [0, 100, 517]) {
      const total = free[0]![i]! + free[1]![i]!;
      expect(within[0]![i]!).toBeCloseTo(free[0]![i]! / total, 5);
      expect(within[1]![i]!).toBeCloseTo(free[1]![i]! / total, 5);
    }
    expect((await a.probabilities(x, undefined, [null]))[0]).toEqual(free);
    await expect(a.probabilities(x, undefined, [[1], [2]])).rejects.toThrow(/classes must give 1 entries/);
    const batch = makeSegmenterBatch(items, a.batchOptions, makeRng(7));
    const [ra, rb] = [await a.step(batch), await b.step(batch)];
    expect(rb).toEqual(ra);
    expect(() => b.setState({ step: 1, tensors: [], extra: { format: 'eader-engine-state/1' } })).toThrow(/not a segmenter state/);
    tf.dispose([x]);
    disposeSegmenterBatch(batch);
    a.dispose();
    b.dispose();
  });
});
