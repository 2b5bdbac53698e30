/**
 * Whole networks on webgpu: a small conv/BN/ReLU/GAP/dense EADER model's gradients (Grad-CAM inner
 * gradient, erasing, adversary) against the cpu backend in both phases, and a ResNet-18 training 50
 * steps with no tensor leak, no synchronous read and no kernel on the CPU. Deep-net gradients are not
 * compared: one ReLU input near zero flips sign between backends and its derivative spreads through
 * batch norm (a few % on a whole ResNet; wasm shows the same against cpu), which says nothing about
 * the kernels (kernels.spec.ts checks those at ResNet-18 shapes).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditWebGpuKernels, type KernelAudit } from '../../../testing/webgpu-audit';
import { useSoftwareWebGpu } from '../../../testing/webgpu';
import { syntheticSquares } from '../../../testing/images';
import { makeTrainBatch } from '../../augment';
import type { EaderConfig } from '../../settings';
import { testEngineConfig } from '../../../testing/engine-config';
import { EaderModel } from '../../eader-model';
import { makeRng } from '../../rng';
import type { GradientResult, PlainGradients } from '../../types';
import { initBackend, releaseWebGpu } from '../index';
import { webGpuSyncReads } from './start';

const adapter = useSoftwareWebGpu();
/** SwiftShader is about 13× slower than lavapipe: too slow for 50 ResNet steps in CI. */
const fastAdapter = adapter.ok && !/swiftshader/i.test(adapter.adapter);

beforeAll(async () => {
  if (adapter.ok) await initBackend({ force: 'webgpu' });
});
afterAll(() => releaseWebGpu());

const S = 32;
const small: EaderConfig = testEngineConfig({ numClasses: 2, backbone: 'tiny', adversary: 'tiny', imageSize: S, cropMinScale: 0.6, locSteps: 1, advSteps: 1, seed: 3, optimizer: 'sgd', lr: 0.05, momentum: 0.9 });

/** The gradients of step 0 (localizer) and, after applying the given step-0 update, of step 1 (adversary). */
async function twoPhases(backend: 'cpu' | 'webgpu', applyFirst: PlainGradients | null): Promise<GradientResult[]> {
  await tf.setBackend(backend);
  const model = await EaderModel.create(small);
  const data = syntheticSquares(4, 21, S);
  const batch = makeTrainBatch(data.images, data.labels, model.config, makeRng(5));
  try {
    const loc = await model.computeGradients(batch);
    model.applyGradients(loc.phase, applyFirst ?? loc.grads);
    const adv = await model.computeGradients(batch);
    return [loc, adv];
  } finally {
    tf.dispose([batch.images, batch.labels]);
    model.dispose();
  }
}

/** Largest difference over all parameters, relative to the largest gradient. */
function gradientError(got: PlainGradients, want: PlainGradients): { error: number; worst: string } {
  let scale = 0;
  for (const g of Object.values(want)) for (const v of g) scale = Math.max(scale, Math.abs(v));
  let error = 0;
  let worst = '';
  for (const [name, w] of Object.entries(want)) {
    const g = got[name];
    if (!g || g.length !== w.length) return { error: Number.POSITIVE_INFINITY, worst: `${name} missing` };
    for (let i = 0; i < w.length; i++) {
      const e = Math.abs((g[i] ?? Number.NaN) - (w[i] ?? 0)) / scale;
      if (!(e <= error)) {
        error = Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
        worst = name;
      }
    }
  }
  return { error, worst };
}

describe.skipIf(!adapter.ok)(`networks on webgpu (${adapter.ok ? adapter.adapter : adapter.why})`, () => {
  it('a small EADER model: gradients of both phases match cpu to 1e-4 of the gradient scale', async () => {
    const [cpuLoc, cpuAdv] = await twoPhases('cpu', null);
    const [gpuLoc, gpuAdv] = await twoPhases('webgpu', cpuLoc?.grads ?? null);
    expect([gpuLoc?.phase, gpuAdv?.phase]).toEqual(['localizer', 'adversary']);
    for (const [got, want] of [
      [gpuLoc, cpuLoc],
      [gpuAdv, cpuAdv],
    ] as const) {
      expect(got?.pairs).toBe(want?.pairs);
      expect(Object.keys(got?.grads ?? {}).sort()).toEqual(Object.keys(want?.grads ?? {}).sort());
      const { error, worst } = gradientError(got?.grads ?? {}, want?.grads ?? {});
      expect(error, `${want?.phase} gradients, worst ${worst}`).toBeLessThan(1e-4);
      for (const key of ['bce', 'reg', 'adv', 'advBce', 'total'] as const) expect(got?.losses[key]).toBeCloseTo(want?.losses[key] ?? Number.NaN, 5);
    }
  });

  it.skipIf(!fastAdapter)('a ResNet-18 trains 50 steps: no tensor leak, no synchronous read, nothing on the CPU', async () => {
    await tf.setBackend('webgpu');
    const model = await EaderModel.create(testEngineConfig({ numClasses: 2, backbone: 'resnet18', adversary: 'none', camMethod: 'cam', imageSize: S, cropMinScale: 0.6, seed: 1, optimizer: 'sgd', lr: 0.01, momentum: 0.9 }));
    const data = syntheticSquares(2, 4, S);
    const rng = makeRng(9);
    const audit: KernelAudit = auditWebGpuKernels();
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const bce: number[] = [];
    let tensors = 0;
    let dataIds = 0;
    try {
      for (let step = 0; step < 50; step++) {
        const batch = makeTrainBatch(data.images, data.labels, model.config, rng);
        const result = await model.step(batch);
        tf.dispose([batch.images, batch.labels]);
        bce.push(result.losses.bce);
        if (step === 0) {
          tensors = tf.memory().numTensors;
          dataIds = backend.numDataIds();
        }
      }
      expect(tf.memory().numTensors).toBe(tensors);
      expect(backend.numDataIds()).toBe(dataIds);
      expect(bce.every(Number.isFinite)).toBe(true);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(bce.slice(-5))).toBeLessThan(mean(bce.slice(0, 5)));
      expect(audit.calls.get('Conv2DBackpropFilter')).toBeGreaterThanOrEqual(50 * 20);
      expect(audit.cpuOutputs).toEqual([]);
      expect(webGpuSyncReads()).toBe(0);
      // The checkpoint path reads every weight asynchronously too.
      const state = await model.getState();
      expect(state.tensors.every((t) => t.data.every(Number.isFinite))).toBe(true);
    } finally {
      audit.stop();
      model.dispose();
    }
  }, 600_000);
});
