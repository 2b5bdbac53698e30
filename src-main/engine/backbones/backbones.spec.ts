import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParamStore } from '../params';
import { makeRng } from '../rng';
import { useTestBackend } from '../../testing/tf-backend';
import { createBackbone } from './index';
import { loadPretrained, mapWeightName } from './pretrained';

const bn = { momentum: 0.1, epsilon: 1e-5 };
let dir = '';
beforeAll(async () => {
  await useTestBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'eader-pretrained-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

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

describe('pretrained weights from a local file', () => {
  it('maps Keras and prefixed names', () => {
    const known = (n: string) => ['layer1.0.bn1.running_var', 'conv1.weight'].includes(n);
    expect(mapWeightName('resnet/layer1.0.bn1/moving_variance', known)).toBe('layer1.0.bn1.running_var');
    expect(mapWeightName('module.conv1.weight', known)).toBe('conv1.weight');
    expect(mapWeightName('fc.weight', known)).toBeNull();
  });

  it('loads a tfjs weights manifest with PyTorch-layout kernels into a fresh backbone', async () => {
    const source = new ParamStore();
    const srcNet = createBackbone('tiny', source, makeRng(11), bn);
    tf.tidy(() => void srcNet.features(tf.randomNormal([2, 16, 16, 3]) as tf.Tensor4D, true)); // move BN stats
    const weights: { name: string; shape: number[]; dtype: string }[] = [];
    const chunks: Buffer[] = [];
    for (const name of source.names()) {
      let t: tf.Tensor = source.get(name);
      if (t.rank === 4) t = tf.transpose(t, [3, 2, 0, 1]); // HWIO → OIHW, as torch stores it
      weights.push({ name: `backbone.${name}`, shape: t.shape, dtype: 'float32' });
      chunks.push(Buffer.from((t.dataSync() as Float32Array).buffer.slice(0)));
    }
    weights.push({ name: 'fc.weight', shape: [2, 128], dtype: 'float32' });
    chunks.push(Buffer.alloc(2 * 128 * 4));
    await writeFile(join(dir, 'w.bin'), Buffer.concat(chunks));
    const manifest = join(dir, 'weights_manifest.json');
    await writeFile(manifest, JSON.stringify([{ paths: ['w.bin'], weights }]));

    const target = new ParamStore();
    const net = createBackbone('tiny', target, makeRng(99), bn);
    const report = await loadPretrained(manifest, target);
    expect(report.loaded.length).toBe(source.names().length);
    expect(report.ignored).toEqual(['fc.weight']);
    const x = tf.randomNormal([1, 16, 16, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const a = srcNet.features(x, false).dataSync();
    const b = net.features(x, false).dataSync();
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i] ?? NaN, 5));

    await writeFile(manifest, JSON.stringify([{ paths: ['w.bin'], weights: weights.slice(1) }]));
    const fresh = new ParamStore();
    createBackbone('tiny', fresh, makeRng(3), bn);
    await expect(loadPretrained(manifest, fresh)).rejects.toThrow(/1 backbone parameters not found \(e\.g\. block1\.conv\.weight\)/);
    await expect(loadPretrained(join(dir, 'missing.json'), target)).rejects.toThrow(/cannot read pretrained/);

    // the same weights through a tfjs LayersModel model.json (Keras-style names)
    const kerasNames = weights.map((w) => ({ ...w, name: w.name.replace(/\.(weight)$/, '/kernel').replace(/\.running_mean$/, '/moving_mean') }));
    const modelJson = join(dir, 'model.json');
    await writeFile(modelJson, JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['w.bin'], weights: kerasNames }] }));
    const viaModel = new ParamStore();
    createBackbone('tiny', viaModel, makeRng(5), bn);
    expect((await loadPretrained(modelJson, viaModel)).loaded.length).toBe(source.names().length);
    expect(Array.from(viaModel.get('block2.bn.running_mean').dataSync())).toEqual(Array.from(source.get('block2.bn.running_mean').dataSync()));
  });
});
