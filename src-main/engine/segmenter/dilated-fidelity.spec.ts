/**
 * The dilated ResNets are torchvision's `replace_stride_with_dilation` networks: ResNet-50 at output
 * stride 16 and 8 with the closed-form weights of scripts/fixtures/closed_form.py, the full
 * 1000-way classifier on the dilated features, against torchvision's float64 logits
 * (scripts/fixtures/make-dilated-resnet.py). The same parameter names and shapes at every stride,
 * so every pretrained file loads.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { closedFormImage, closedFormSource, topK } from '../../testing/closed-form-weights';
import { useTestBackend } from '../../testing/tf-backend';
import { weightFixture } from '../../testing/weight-fixtures';
import { imageToTensor } from '../augment';
import { createBackbone } from '../backbones';
import { loadPretrained } from '../backbones/pretrained';
import { dense } from '../layers';
import { ParamStore } from '../params';
import { makeRng } from '../rng';

interface DilatedCase {
  backbone: 'resnet50';
  outputStride: 8 | 16;
  height: number;
  width: number;
  logits: number[];
}
const cases = (JSON.parse(readFileSync(weightFixture('dilated-resnet-logits.json'), 'utf8')) as { cases: DilatedCase[] }).cases;
const bn = { momentum: 0.1, epsilon: 1e-5 };

beforeAll(async () => {
  await useTestBackend('wasm');
});

describe('dilated ResNets compute what torchvision computes', () => {
  it.each(cases.map((c) => [`${c.backbone} stride ${c.outputStride} ${c.height}×${c.width}`, c] as const))('%s: logits within 1e-4 of the logit scale, same top-5', async (_name, c) => {
    const store = new ParamStore();
    const net = createBackbone(c.backbone, store, makeRng(0), bn, { outputStride: c.outputStride });
    const fc = dense(store, 'fc', net.channels, 1000, makeRng(0));
    try {
      await loadPretrained(closedFormSource(store), store, { head: true });
      const x = imageToTensor(closedFormImage(c.height, c.width));
      const features = net.features(x, false);
      const logits = tf.tidy(() => fc(tf.mean(features, [1, 2]) as tf.Tensor2D));
      const values = (await logits.data()) as Float32Array;
      expect(features.shape.slice(1, 3)).toEqual([Math.ceil(c.height / c.outputStride), Math.ceil(c.width / c.outputStride)]);
      tf.dispose([x, features, logits]);
      const scale = Math.max(...c.logits.map(Math.abs));
      const worst = Math.max(...c.logits.map((v, i) => Math.abs(v - (values[i] ?? NaN))));
      expect(worst / scale).toBeLessThan(1e-4);
      expect(topK(values, 5)).toEqual(topK(c.logits, 5));
    } finally {
      store.dispose();
    }
  });

  it('have the same parameters at every output stride', () => {
    const names = (outputStride: 8 | 16 | 32) => {
      const store = new ParamStore();
      createBackbone('resnet18', store, makeRng(0), bn, { outputStride });
      const out = store.names().map((n) => `${n}:${store.get(n).shape.join('x')}`);
      store.dispose();
      return out;
    };
    expect(names(8)).toEqual(names(32)); // stride 16 dilates a subset of stride 8's stages
    expect(() => createBackbone('tiny', new ParamStore(), makeRng(0), bn, { outputStride: 16 })).toThrow(/output stride 8 only/);
  });
});
