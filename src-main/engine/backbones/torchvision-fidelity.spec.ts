/**
 * The exact torchvision architecture: ResNet-18 and ResNet-50 with the closed-form weights of
 * scripts/fixtures/closed_form.py (randomised BN statistics included), the full 1000-way classifier
 * in eval mode, against the logits torchvision computed in float64 on the same weights and image.
 * Sizes 64×64 (even: tfjs 'same' would pad asymmetrically at every stride-2 layer) and 75×97 (odd);
 * the 224×224 case runs through a real file and `eader weights check` (src-main/weights/check.spec.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { closedFormImage, closedFormSource, topK, torchvisionLogits } from '../../testing/closed-form-weights';
import { useTestBackend } from '../../testing/tf-backend';
import { imageToTensor } from '../augment';
import { Classifier } from '../classifier';
import { makeRng } from '../rng';

beforeAll(async () => {
  await useTestBackend('wasm');
});

describe('ResNets compute what torchvision computes', () => {
  it.each(torchvisionLogits().filter((c) => c.height < 224).map((c) => [`${c.backbone} ${c.height}×${c.width}`, c] as const))('%s: logits within 1e-4 of the logit scale, same top-5', async (_name, c) => {
    const net = new Classifier(c.backbone, 1000, makeRng(0), { momentum: 0.1, epsilon: 1e-5 });
    try {
      await net.loadPretrained(closedFormSource(net.store), { head: true });
      const x = imageToTensor(closedFormImage(c.height, c.width));
      const logits = tf.tidy(() => net.logits(x, false).dataSync() as Float32Array);
      x.dispose();
      const scale = Math.max(...c.logits.map(Math.abs));
      const worst = Math.max(...c.logits.map((v, i) => Math.abs(v - (logits[i] ?? NaN))));
      expect(worst / scale).toBeLessThan(1e-4);
      expect(topK(logits, 5)).toEqual(topK(c.logits, 5));
    } finally {
      net.dispose();
    }
  });
});
