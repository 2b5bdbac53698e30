import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ParamStore } from '../params';
import { makeRng } from '../rng';
import { useTestBackend } from '../../testing/tf-backend';
import { createBackbone } from './index';

beforeAll(async () => useTestBackend('wasm'));

describe('plain backbones', () => {
  it('tiny5: stride 8, 128 channels, the parameter count of the PyTorch research net (scripts/experiments/torch/nets.py)', () => {
    const store = new ParamStore();
    const net = createBackbone('tiny5', store, makeRng(0), { momentum: 0.1, epsilon: 1e-5 });
    const f = net.features(tf.zeros([2, 64, 64, 3]), true);
    expect([net.kind, net.stride, net.channels]).toEqual(['tiny5', 8, 128]);
    expect(f.shape).toEqual([2, 8, 8, 128]);
    expect(store.countTrainable()).toBe(245_392);
    expect(store.names()).toContain('block5.bn.running_var');
    f.dispose();
    store.dispose();
  });
});
