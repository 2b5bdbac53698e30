/**
 * The segmenter's gradients on a tiny network (tiny backbone, every ASPP branch, dilated convs,
 * upsampling, the weighted loss with an ignored region), with DeepLabv3's classifier and with
 * DeepLabv3+'s decoder: wasm (our training kernels) against the cpu backend for every parameter,
 * and cpu against central finite differences for a sample.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../rng';
import { initBackend } from '../backend/index';
import { syntheticSegmentation } from '../../testing/images';
import { testSegmenterConfig } from '../../testing/segmenter-config';
import { makeSegmenterBatch } from './batch';
import { weightedCrossEntropy } from './loss';
import { SegmenterNetwork } from './network';

const S = 24;
const DECODERS = {
  none: { classifier: 'classifier.4', sampled: [['classifier.0.convs.2.0.weight', 5], ['classifier.1.weight', 11]] },
  v3plus: { classifier: 'decoder.classifier', sampled: [['decoder.reduce.0.weight', 4], ['decoder.fuse.0.0.weight', 17], ['decoder.fuse.1.1.weight', 2]] },
  // separate heads: image 0 (pseudo-masked) through decoder.pseudo, image 1 (trusted) through decoder.classifier
  'v3plus, trusted head': { classifier: 'decoder.classifier', sampled: [['decoder.pseudo.weight', 9], ['decoder.pseudo.bias', 2], ['decoder.fuse.0.0.weight', 17]] },
} as const;

interface Result {
  loss: number;
  grads: Map<string, Float32Array>;
  net: SegmenterNetwork;
  lossAt: () => number;
}

function run(decoder: keyof typeof DECODERS): Result {
  const config = testSegmenterConfig({ numClasses: 2, imageSize: S, asppChannels: 8, trustedWeight: 2, cropMinScale: 0.5, decoder: decoder === 'none' ? 'none' : 'v3plus', trustedHead: decoder === 'v3plus, trusted head' });
  const net = new SegmenterNetwork(config, makeRng(3));
  // A trained-looking classifier, so every layer before it gets a gradient worth checking.
  const weight = `${DECODERS[decoder].classifier}.weight`;
  const kernel = net.store.get(weight);
  net.store.assign(weight, new Float32Array(kernel.size).map((_, i) => Math.sin(i * 1.7) * 0.5), kernel.shape);
  const { images, masks } = syntheticSegmentation(2, 8, S);
  masks[0]!.data.fill(255, 0, 5 * S); // an ignored band
  const batch = makeSegmenterBatch(images.map((image, i) => ({ image, mask: masks[i]!, trusted: i === 1 })), { ...config, numClasses: 2 }, makeRng(1));
  // BN in training mode would move its running statistics at every forward; the loss itself only depends on batch statistics.
  const heads = net.separateHeads ? batch.trusted.map((t) => !t) : 'main';
  const lossFn = (): tf.Scalar => weightedCrossEntropy(net.logits(batch.images, true, undefined, heads), batch.targets, batch.weights).loss;
  const { value, grads } = tf.variableGrads(lossFn, net.trainableVariables());
  const byName = new Map(net.store.trainable().map(({ name, variable }) => [name, grads[variable.name]!.dataSync() as Float32Array]));
  const loss = value.dataSync()[0]!;
  tf.dispose([value, grads]);
  return { loss, grads: byName, net, lossAt: () => tf.tidy(() => lossFn().dataSync()[0]!) };
}

describe('segmenter gradients', () => {
  it.each(Object.keys(DECODERS) as (keyof typeof DECODERS)[])('decoder %s: agree between wasm and cpu for every parameter, and with finite differences', async (decoder) => {
    await initBackend({ force: 'wasm' });
    const wasm = run(decoder);
    await tf.setBackend('cpu');
    const cpu = run(decoder);
    expect(wasm.loss).toBeCloseTo(cpu.loss, 4);
    let compared = 0;
    for (const [name, g] of cpu.grads) {
      const w = wasm.grads.get(name)!;
      const scale = Math.max(1e-6, ...Array.from(g, Math.abs));
      const worst = Math.max(...Array.from(g, (v, i) => Math.abs(v - w[i]!)));
      // relative to the parameter's own scale; the image-pooling branch's BN over a 2-image batch of 1×1 maps has gradients near 0
      expect(worst / scale < 2e-3 || worst < 1e-6, `${name}: worst ${worst} at scale ${scale}`).toBe(true);
      compared++;
    }
    expect(compared).toBe(cpu.net.store.trainable().length);
    // finite differences on the cpu backend: a few entries of a dilated ASPP branch, the projection, the backbone, the classifier and the decoder's layers
    const eps = 1e-3;
    const { classifier, sampled } = DECODERS[decoder];
    for (const [name, index] of [
      ['classifier.0.convs.3.0.weight', 5],
      ['classifier.0.project.0.weight', 3],
      ['block2.conv.weight', 40],
      [`${classifier}.bias`, 1],
      [`${classifier}.weight`, 7],
      ['block1.bn.weight', 2],
      ...sampled,
    ] as const) {
      const v = cpu.net.store.get(name);
      const data = v.dataSync().slice() as Float32Array;
      const original = data[index]!;
      data[index] = original + eps;
      v.assign(tf.tensor(data, v.shape));
      const up = cpu.lossAt();
      data[index] = original - eps;
      v.assign(tf.tensor(data, v.shape));
      const down = cpu.lossAt();
      data[index] = original;
      v.assign(tf.tensor(data, v.shape));
      const numeric = (up - down) / (2 * eps);
      const analytic = cpu.grads.get(name)![index]!;
      expect(Math.abs(numeric - analytic), `${name}[${index}]: ${analytic} vs ${numeric}`).toBeLessThan(0.05 * Math.abs(analytic) + 2e-3);
    }
    wasm.net.dispose();
    cpu.net.dispose();
  });
});
