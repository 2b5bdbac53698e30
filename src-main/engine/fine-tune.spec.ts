/**
 * Fine-tuning semantics: a model created from imported weights starts from them (its features at
 * step 0 are the imported network's), the imported fc is dropped for the new K-class head, resume
 * keeps the trained weights without reading the file again, BatchNorm statistics can be frozen,
 * and the backbone can step at a smaller learning rate than the head.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testEngineConfig } from '../testing/engine-config';
import { useTestBackend } from '../testing/tf-backend';
import { SYNTHETIC_SIZE, syntheticSquares } from '../testing/images';
import { sourceFromStore } from '../testing/weight-sources';
import type { WeightSource } from './backbones/weight-source';
import { makeTrainBatch } from './augment';
import { Classifier } from './classifier';
import { EaderModel } from './eader-model';
import { makeRng } from './rng';

beforeAll(async () => useTestBackend('wasm'));

const S = SYNTHETIC_SIZE;
const base = testEngineConfig({ numClasses: 2, backbone: 'tiny', adversary: 'tiny', imageSize: S, cropMinScale: 0.6, locSteps: 2, advSteps: 1, optimizer: 'sgd', lr: 0.05 });

/** A "pretrained" tiny network with a 1000-way fc and moved BN statistics, as a torch-layout file would hold it. */
function pretrainedNetwork(): { net: Classifier; source: WeightSource } {
  const net = new Classifier('tiny', 1000, makeRng(77), { momentum: 0.5, epsilon: 1e-5 });
  tf.tidy(() => void net.backbone.features(tf.randomNormal([4, S, S, 3], 0.5, 2, 'float32', 3) as tf.Tensor4D, true));
  return { net, source: sourceFromStore(net.store, 'torch', 'module.') };
}

function features(net: Classifier, x: tf.Tensor4D, training = false): number[] {
  return tf.tidy(() => Array.from(net.backbone.features(x, training).dataSync()));
}

const probe = () => tf.randomNormal([2, S, S, 3], 0, 1, 'float32', 9) as tf.Tensor4D;

describe('training from imported weights', () => {
  it('starts from them: step-0 features equal the imported network\'s; fc is new; resume keeps the trained weights', async () => {
    const { net, source } = pretrainedNetwork();
    let closed = 0;
    const opened: string[] = [];
    const openWeights = (ref: string) => {
      opened.push(ref);
      return Promise.resolve({ ...source, close: () => Promise.resolve(void (closed += 1)) });
    };
    const cfg = { ...base, pretrained: 'imagenet-tiny', adversaryPretrained: 'imagenet-tiny', freezeBatchNorm: true };
    const model = await EaderModel.create(cfg, { openWeights });
    expect(opened).toEqual(['imagenet-tiny', 'imagenet-tiny']);
    expect(closed).toBe(2);
    expect(model.pretrained.map((r) => r.ignored)).toEqual([['module.fc.weight', 'module.fc.bias'], ['module.fc.weight', 'module.fc.bias']]);
    expect(model.localizer.store.get('fc.weight').shape).toEqual([128, 2]);
    const x = probe();
    const imported = features(net, x);
    expect(features(model.localizer, x)).toEqual(imported);
    expect(features(model.adversary!, x)).toEqual(imported);
    // With frozen BN, the first training step's forward is the imported network's, too.
    expect(features(model.localizer, x, true)).toEqual(imported);

    const data = syntheticSquares(4, 5);
    const rng = makeRng(1);
    for (let i = 0; i < 3; i++) {
      const batch = makeTrainBatch(data.images, data.labels, model.config, rng);
      await model.step(batch);
      tf.dispose([batch.images, batch.labels]);
    }
    const trained = features(model.localizer, x);
    expect(trained).not.toEqual(imported);
    const state = await model.getState();
    const resumed = await EaderModel.create(cfg, { restoring: true }); // no opener: the file is not read again
    resumed.setState(state);
    expect(features(resumed.localizer, x)).toEqual(trained);
    expect(opened).toHaveLength(2);
    tf.dispose(x);
    [net, model, resumed].forEach((m) => m.dispose());
  });

  it('names its errors: no opener, an adversary weight file without an adversary, a file that does not fit', async () => {
    const { net, source } = pretrainedNetwork();
    await expect(EaderModel.create({ ...base, pretrained: 'x.pth' })).rejects.toThrow(/pretrained weights 'x\.pth' named, but EaderModel\.create got no openWeights/);
    await expect(EaderModel.create({ ...base, adversary: 'none', adversaryPretrained: 'x.pth' }, { openWeights: () => Promise.resolve(source) })).rejects.toThrow(
      /adversaryPretrained needs an adversary network of its own \(tiny or resnet18\), but the adversary is none/,
    );
    await expect(EaderModel.create({ ...base, backbone: 'resnet18', imageSize: 64, pretrained: 'x' }, { openWeights: () => Promise.resolve(source) })).rejects.toThrow(
      /memory:torch: 100 backbone parameters not found \(e\.g\. conv1\.weight/,
    );
    net.dispose();
  });
});

describe('BatchNorm statistics frozen or updated', () => {
  it('frozen: running statistics never move and training normalises with them; γ and β still learn', async () => {
    const data = syntheticSquares(4, 6);
    const run = async (freezeBatchNorm: boolean) => {
      const model = await EaderModel.create({ ...base, adversary: 'none', freezeBatchNorm });
      const before = Array.from(model.localizer.store.get('block2.bn.running_mean').dataSync());
      const gammaBefore = Array.from(model.localizer.store.get('block2.bn.weight').dataSync());
      const batch = makeTrainBatch(data.images, data.labels, model.config, makeRng(2));
      await model.step(batch);
      tf.dispose([batch.images, batch.labels]);
      const after = Array.from(model.localizer.store.get('block2.bn.running_mean').dataSync());
      const gammaAfter = Array.from(model.localizer.store.get('block2.bn.weight').dataSync());
      const x = probe();
      const evalFeatures = features(model.localizer, x);
      const sameAsEval = features(model.localizer, x, true).every((v, i) => v === evalFeatures[i]);
      tf.dispose(x);
      model.dispose();
      return { moved: after.some((v, i) => v !== before[i]), learned: gammaAfter.some((v, i) => v !== gammaBefore[i]), sameAsEval };
    };
    expect(await run(true)).toEqual({ moved: false, learned: true, sameAsEval: true });
    expect(await run(false)).toEqual({ moved: true, learned: true, sameAsEval: false });
  });
});

describe('the backbone learning rate apart from the head', () => {
  it('backboneLrScale 0.1: the first SGD step moves the backbone a tenth as far, the head as far', async () => {
    const data = syntheticSquares(4, 7);
    const delta = async (backboneLrScale: number) => {
      const model = await EaderModel.create({ ...base, adversary: 'none', backboneLrScale, optimizer: 'sgd', lr: 0.05, momentum: 0 });
      const names = ['block3.conv.weight', 'fc.weight'];
      const before = names.map((n) => Array.from(model.localizer.store.get(n).dataSync()));
      const batch = makeTrainBatch(data.images, data.labels, model.config, makeRng(3));
      await model.step(batch);
      tf.dispose([batch.images, batch.labels]);
      const out = names.map((n, k) => Array.from(model.localizer.store.get(n).dataSync()).map((v, i) => v - before[k]![i]!));
      model.dispose();
      return out;
    };
    const [fullBackbone, fullHead] = await delta(1);
    const [slowBackbone, slowHead] = await delta(0.1);
    const norm = (xs: number[]) => Math.sqrt(xs.reduce((a, b) => a + b * b, 0));
    expect(norm(slowBackbone!) / norm(fullBackbone!)).toBeCloseTo(0.1, 3);
    expect(norm(slowHead!) / norm(fullHead!)).toBeCloseTo(1, 3);
  });
});
