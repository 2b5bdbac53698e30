import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { optimizerConfig, type OptimizerConfig } from './settings';
import { EngineOptimizer } from './optimizers';
import { testEngineConfig } from '../testing/engine-config';
import { useTestBackend } from '../testing/tf-backend';

beforeAll(async () => useTestBackend('cpu'));

function run(config: Partial<OptimizerConfig>, grads: number[][], start = [1, -2]) {
  const v = tf.variable(tf.tensor1d(start));
  const opt = new EngineOptimizer({ ...optimizerConfig(testEngineConfig({ numClasses: 1 })), ...config }, [{ name: 'p', variable: v }]);
  const seen: number[][] = [];
  for (const g of grads) {
    const t = tf.tensor1d(g);
    opt.apply({ [v.name]: t });
    t.dispose();
    seen.push(Array.from(v.dataSync()));
  }
  return { v, opt, seen };
}

describe('EngineOptimizer', () => {
  it('SGD: PyTorch momentum with L2 weight decay added to the gradient', () => {
    const { seen } = run({ kind: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.01 }, [[1, 1], [0.5, -1]]);
    // step 1: g = 1 + 0.01·1 = 1.01, buf = 1.01, θ = 1 − 0.101 = 0.899
    const theta1 = 1 - 0.1 * 1.01;
    const buf2 = 0.9 * 1.01 + (0.5 + 0.01 * theta1);
    expect(seen[0]?.[0]).toBeCloseTo(theta1, 6);
    expect(seen[1]?.[0]).toBeCloseTo(theta1 - 0.1 * buf2, 6);
  });

  it('Adam: first step moves by lr·sign(g) (bias correction)', () => {
    const { seen } = run({ kind: 'adam', lr: 0.01, weightDecay: 0 }, [[3, -0.2]]);
    expect(seen[0]?.[0]).toBeCloseTo(1 - 0.01, 5);
    expect(seen[0]?.[1]).toBeCloseTo(-2 + 0.01, 5);
  });

  it('RMSprop: θ − lr·g/(√v + ε)', () => {
    const { seen } = run({ kind: 'rmsprop', lr: 0.01, rho: 0.99, weightDecay: 0 }, [[2, 1]]);
    expect(seen[0]?.[0]).toBeCloseTo(1 - (0.01 * 2) / Math.sqrt(0.01 * 4), 5);
  });

  it('a scheduled lr (lrAt, from the 0-based iteration) sets each update\'s step size', () => {
    const v = tf.variable(tf.tensor1d([1]));
    const opt = new EngineOptimizer({ ...optimizerConfig(testEngineConfig({ numClasses: 1 })), kind: 'sgd', lr: 0.1, momentum: 0, weightDecay: 0 }, [{ name: 'p', variable: v }]);
    const seen: number[] = [];
    opt.lrAt = (t) => [0.5, 0.25][t] ?? 0;
    for (let i = 0; i < 3; i++) {
      const g = tf.tensor1d([1]);
      opt.apply({ [v.name]: g });
      g.dispose();
      seen.push(v.dataSync()[0]!);
    }
    // θ = 1 − 0.5 − 0.25 − 0 (the base lr 0.1 is not used once a schedule is set)
    expect(seen[0]).toBeCloseTo(0.5, 6);
    expect(seen[1]).toBeCloseTo(0.25, 6);
    expect(seen[2]).toBeCloseTo(0.25, 6);
    v.dispose();
    opt.dispose();
  });

  it('state round-trips: a restored optimizer continues identically', async () => {
    for (const kind of ['sgd', 'adam', 'rmsprop'] as const) {
      const a = run({ kind, lr: 0.05 }, [[1, 2], [-1, 0.5]]);
      const b = run({ kind, lr: 0.05 }, []);
      b.v.assign(tf.tensor1d(a.seen[1] ?? []));
      b.opt.fromRecords('x', await a.opt.toRecords('x'), a.opt.iterations);
      const g = tf.tensor1d([0.3, -0.7]);
      a.opt.apply({ [a.v.name]: g });
      b.opt.apply({ [b.v.name]: g });
      expect(Array.from(b.v.dataSync())).toEqual(Array.from(a.v.dataSync()));
      expect(() => b.opt.fromRecords('y', [], 0)).toThrow(/no optimizer tensor/);
    }
  });
});

describe('EngineOptimizer parameter groups', () => {
  it('each parameter steps at lr·lrScale (SGD, Adam), weight decay shared', () => {
    for (const kind of ['sgd', 'adam'] as const) {
      const slow = tf.variable(tf.tensor1d([1, -2]));
      const fast = tf.variable(tf.tensor1d([1, -2]));
      const opt = new EngineOptimizer({ ...optimizerConfig(testEngineConfig({ numClasses: 1 })), kind, lr: 0.1, weightDecay: 0.01 }, [
        { name: 'backbone', variable: slow, lrScale: 0.1 },
        { name: 'head', variable: fast },
      ]);
      const g = tf.tensor1d([0.5, 2]);
      opt.apply({ [slow.name]: g, [fast.name]: g });
      const moved = (v: tf.Variable) => Array.from(v.dataSync()).map((x, i) => x - [1, -2][i]!);
      moved(slow).forEach((d, i) => expect(d).toBeCloseTo(moved(fast)[i]! * 0.1, 6));
      expect(moved(fast)[0]).not.toBe(0);
      tf.dispose([slow, fast, g]);
      opt.dispose();
    }
  });
});
