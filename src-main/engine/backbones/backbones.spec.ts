import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ParamStore } from '../params';
import { makeRng } from '../rng';
import { useTestBackend } from '../../testing/tf-backend';
import { sourceFromStore, tensorOf } from '../../testing/weight-sources';
import { Classifier } from '../classifier';
import { BACKBONE_CHANNELS, createBackbone } from './index';
import { loadPretrained, mapWeightName, permute } from './pretrained';

const bn = { momentum: 0.1, epsilon: 1e-5 };
beforeAll(async () => {
  await useTestBackend('wasm');
});

describe('backbones', () => {
  it('return the last conv feature map with torchvision parameter counts', () => {
    const expected = { tiny: [8, 128, 6], resnet18: [32, 512, 2], resnet50: [32, 2048, 2] } as const;
    const counts: Record<string, number> = {};
    for (const kind of ['tiny', 'resnet18', 'resnet50'] as const) {
      const store = new ParamStore();
      const net = createBackbone(kind, store, makeRng(0), bn);
      const size = kind === 'tiny' ? 48 : 64;
      const f = net.features(tf.zeros([2, size, size, 3]), false);
      const [stride, channels, side] = expected[kind];
      expect([net.stride, net.channels]).toEqual([stride, channels]);
      expect(BACKBONE_CHANNELS[kind]).toBe(channels);
      expect(f.shape).toEqual([2, side, side, channels]);
      counts[kind] = store.countTrainable();
      f.dispose();
      store.dispose();
    }
    // torchvision resnet18 / resnet50 minus their 1000-way fc (513,000 / 2,049,000 parameters)
    expect(counts.resnet18).toBe(11_689_512 - 513_000);
    expect(counts.resnet50).toBe(25_557_032 - 2_049_000);
  });

  it('BatchNorm: batch statistics and running updates in training, running statistics in inference', () => {
    const store = new ParamStore();
    const net = createBackbone('tiny', store, makeRng(1), bn);
    const x = tf.randomNormal([4, 16, 16, 3], 3, 2, 'float32', 7) as tf.Tensor4D;
    const before = Array.from(store.get('block1.bn.running_mean').dataSync());
    const inferA = net.features(x, false).dataSync();
    const train = net.features(x, true).dataSync();
    const after = Array.from(store.get('block1.bn.running_mean').dataSync());
    const inferB = net.features(x, false).dataSync();
    expect(before.every((v) => v === 0)).toBe(true);
    expect(after.some((v) => v !== 0)).toBe(true);
    expect(Array.from(train)).not.toEqual(Array.from(inferA));
    expect(Array.from(inferB)).not.toEqual(Array.from(inferA)); // running stats moved
    store.dispose();
  });
});

describe('pretrained weights into a network', () => {
  it('maps Keras and prefixed names', () => {
    const known = (n: string) => ['layer1.0.bn1.running_var', 'conv1.weight'].includes(n);
    expect(mapWeightName('resnet/layer1.0.bn1/moving_variance', known)).toBe('layer1.0.bn1.running_var');
    expect(mapWeightName('module.conv1.weight', known)).toBe('conv1.weight');
    expect(mapWeightName('conv1/kernel:0', known)).toBe('conv1.weight');
    expect(mapWeightName('fc.weight', known)).toBeNull();
  });

  it('permutes axes as tf.transpose does', () => {
    const x = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 4);
    for (const perm of [[2, 3, 1, 0], [3, 2, 0, 1], [0, 1, 2, 3], [1, 0, 3, 2]]) {
      expect(Array.from(permute(x.dataSync() as Float32Array, x.shape, perm))).toEqual(Array.from(tf.transpose(x, perm).dataSync()));
    }
    expect(Array.from(permute(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
    x.dispose();
  });

  it('a torch-layout source (OIHW, prefixed names) gives a fresh backbone the source network\'s features; the ImageNet fc is ignored', async () => {
    const source = new ParamStore();
    const srcNet = createBackbone('tiny', source, makeRng(11), bn);
    tf.tidy(() => void srcNet.features(tf.randomNormal([2, 16, 16, 3]) as tf.Tensor4D, true)); // move BN stats
    const weights = sourceFromStore(source, 'torch', 'backbone.');
    const withFc = { ...weights, tensors: [...weights.tensors, tensorOf('fc.weight', [1000, 128], new Float32Array(128_000)), tensorOf('bn.num_batches_tracked', [], new Float32Array(1))] };

    const target = new ParamStore();
    const net = createBackbone('tiny', target, makeRng(99), bn);
    const report = await loadPretrained(withFc, target);
    expect(report.loaded.length).toBe(source.names().length);
    expect(report.ignored).toEqual(['fc.weight', 'bn.num_batches_tracked']);
    const x = tf.randomNormal([1, 16, 16, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const a = srcNet.features(x, false);
    const b = net.features(x, false);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    source.dispose();
    target.dispose();
  });

  it('refuses, before assigning anything: a missing tensor, a duplicate, a wrong shape, a non-finite value', async () => {
    const source = new ParamStore();
    createBackbone('tiny', source, makeRng(1), bn);
    const ok = sourceFromStore(source, 'torch');
    const target = new ParamStore();
    createBackbone('tiny', target, makeRng(2), bn);
    const before = Array.from(target.get('block4.bn.weight').dataSync());
    const variant = (tensors: typeof ok.tensors) => ({ ...ok, tensors });
    const last = ok.tensors.length - 1;
    await expect(loadPretrained(variant(ok.tensors.filter((t) => t.name !== 'block2.conv.weight')), target)).rejects.toThrow(
      /memory:torch: 1 backbone parameters not found \(e\.g\. block2\.conv\.weight\); matched 19, ignored 0/,
    );
    await expect(loadPretrained(variant([...ok.tensors, tensorOf('module.block1.bn.bias', [16], new Float32Array(16))]), target)).rejects.toThrow(
      /both block1\.bn\.bias and module\.block1\.bn\.bias map to block1\.bn\.bias/,
    );
    await expect(loadPretrained(variant([...ok.tensors.slice(1), tensorOf('block1.conv.weight', [3, 16, 3, 3], new Float32Array(432))]), target)).rejects.toThrow(
      /block1\.conv\.weight has shape \[3,16,3,3\], which does not fit the network's \[3,3,3,16\] in PyTorch layout/,
    );
    const nan = new Float32Array(128).fill(1);
    nan[7] = NaN;
    await expect(loadPretrained(variant([...ok.tensors.slice(0, last), tensorOf(ok.tensors[last]!.name, [128], nan)]), target)).rejects.toThrow(/holds a non-finite value \(NaN\) at element 7/);
    expect(Array.from(target.get('block4.bn.weight').dataSync())).toEqual(before);
    source.dispose();
    target.dispose();
  });

  it('with the head: fc too, [out,in] transposed to [in,out]; without fc in the file that is an error', async () => {
    const source = new Classifier('tiny', 5, makeRng(3), bn);
    const target = new Classifier('tiny', 5, makeRng(4), bn);
    const weights = sourceFromStore(source.store, 'torch');
    expect((await target.loadPretrained(weights, { head: true })).loaded).toContain('fc.weight');
    const x = tf.randomNormal([1, 16, 16, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const a = source.logits(x, false);
    const b = target.logits(x, false);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    await expect(target.loadPretrained({ ...weights, tensors: weights.tensors.filter((t) => !t.name.startsWith('fc.')) }, { head: true })).rejects.toThrow(
      /2 parameters not found \(e\.g\. fc\.weight, fc\.bias\)/,
    );
    tf.dispose([x, a, b]);
    source.dispose();
    target.dispose();
  });

  it('a tfjs-layout source is taken as is', async () => {
    const source = new ParamStore();
    createBackbone('tiny', source, makeRng(5), bn);
    const target = new ParamStore();
    createBackbone('tiny', target, makeRng(6), bn);
    await loadPretrained(sourceFromStore(source, 'tfjs'), target);
    expect(Array.from(target.get('block3.conv.weight').dataSync())).toEqual(Array.from(source.get('block3.conv.weight').dataSync()));
    source.dispose();
    target.dispose();
  });
});
