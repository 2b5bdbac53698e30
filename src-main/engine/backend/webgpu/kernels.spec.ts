/**
 * Every kernel our networks use, forward and backward, on webgpu against the cpu backend, at
 * ResNet-18 layer shapes (small batch and maps): outputs to 1e-4 of their scale, gradients to 1e-4
 * of the gradient scale. The kernel audit checks that no kernel silently ran on the CPU. Runs on a
 * software adapter (lavapipe or SwiftShader) when no GPU is present; skipped when none can be created.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditWebGpuKernels, type KernelAudit } from '../../../testing/webgpu-audit';
import { useSoftwareWebGpu } from '../../../testing/webgpu';
import { batchNormTrain } from '../../batch-norm-train';
import { computeCams, minMaxNormalize, pairsFromLabels, type CamSource } from '../../cam';
import { eraseImages, softMask } from '../../erase';
import { adversarialTerm, adversaryLoss, bceWithLogits, camRegularizer } from '../../losses';
import { resizeBilinear3d } from '../../resize';
import { makeRng } from '../../rng';
import { gatherRows } from '../../select';
import { initBackend, releaseWebGpu } from '../index';
import { setWebGpuConvFilterGrad } from './conv-filter-grad';
import { webGpuSyncReads } from './start';

const adapter = useSoftwareWebGpu();
let audit: KernelAudit | null = null;

beforeAll(async () => {
  if (!adapter.ok) return;
  await initBackend({ force: 'webgpu' });
  audit = auditWebGpuKernels();
});
afterAll(() => {
  audit?.stop();
  releaseWebGpu();
});

/** Deterministic input data (the same on both backends). */
function data(shape: number[], seed: number, scale = 1): Float32Array {
  const rng = makeRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale);
}

interface Case {
  name: string;
  inputs: { shape: number[]; scale?: number }[];
  /** The op under test; its output is weighted by a fixed random tensor and summed for the gradient. */
  f: (...xs: tf.Tensor[]) => tf.Tensor;
}

interface Result {
  y: Float32Array;
  grads: Float32Array[];
}

async function runOn(backend: 'cpu' | 'webgpu', c: Case): Promise<Result> {
  await tf.setBackend(backend);
  const xs = c.inputs.map((input, i) => tf.tensor(data(input.shape, 11 + i, input.scale ?? 1), input.shape));
  const y = c.f(...xs);
  const weights = tf.tensor(data(y.shape, 97), y.shape);
  const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(c.f(...args), weights)))(xs);
  const values = await Promise.all([y, ...grads].map(async (t) => Float32Array.from(await t.data())));
  tf.dispose([...xs, y, weights, ...grads]);
  return { y: values[0] ?? new Float32Array(0), grads: values.slice(1) };
}

function relativeError(got: Float32Array, want: Float32Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i] ?? 0));
    diff = Math.max(diff, Math.abs((got[i] ?? Number.NaN) - (want[i] ?? 0)));
  }
  if (got.length !== want.length || Number.isNaN(diff)) return Number.POSITIVE_INFINITY;
  return diff / Math.max(scale, 1e-12);
}

const conv = (stride: number, pad: number | 'same' | 'valid') => (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad);

const CASES: Case[] = [
  { name: 'conv 7×7 s2 pad 3, the ResNet stem (2×32×32×3 → 64)', inputs: [{ shape: [2, 32, 32, 3] }, { shape: [7, 7, 3, 64], scale: 0.1 }], f: conv(2, 3) },
  { name: 'conv 3×3 s1 pad 1 (2×8×8×64 → 64)', inputs: [{ shape: [2, 8, 8, 64] }, { shape: [3, 3, 64, 64], scale: 0.05 }], f: conv(1, 1) },
  { name: 'conv 3×3 s2 pad 1, a downsampling block (2×8×8×64 → 128)', inputs: [{ shape: [2, 8, 8, 64] }, { shape: [3, 3, 64, 128], scale: 0.05 }], f: conv(2, 1) },
  { name: 'conv 1×1 s2, the shortcut (2×8×8×64 → 128)', inputs: [{ shape: [2, 8, 8, 64] }, { shape: [1, 1, 64, 128], scale: 0.1 }], f: conv(2, 0) },
  { name: 'conv 3×3 s1 pad 1 on a 2×2 map, a deep layer (2×2×2×256 → 256)', inputs: [{ shape: [2, 2, 2, 256] }, { shape: [3, 3, 256, 256], scale: 0.02 }], f: conv(1, 1) },
  { name: "conv 3×3 'same' on odd sizes (1×7×9×5 → 6)", inputs: [{ shape: [1, 7, 9, 5] }, { shape: [3, 3, 5, 6] }], f: conv(1, 'same') },
  { name: 'maxPool 3×3 s2 pad 1 after relu, the stem (2×16×16×64)', inputs: [{ shape: [2, 16, 16, 64] }], f: (x) => tf.maxPool(tf.relu(x as tf.Tensor4D), 3, 2, 1) },
  {
    name: 'batch norm in training mode (batch statistics) → relu (2×8×8×32)',
    inputs: [{ shape: [2, 8, 8, 32] }, { shape: [32] }, { shape: [32] }],
    f: (x, g, b) => tf.relu(batchNormTrain(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, () => undefined)),
  },
  {
    name: 'batch norm in inference mode (running statistics, 2×4×4×16)',
    inputs: [{ shape: [2, 4, 4, 16] }, { shape: [16] }, { shape: [16] }],
    f: (x, g, b) => tf.batchNorm(x as tf.Tensor4D, tf.zeros([16]), tf.ones([16]), b as tf.Tensor1D, g as tf.Tensor1D, 1e-5),
  },
  {
    name: 'GAP → dense → sigmoid BCE (2×4×4×512 → 20)',
    inputs: [{ shape: [2, 4, 4, 512] }, { shape: [512, 20], scale: 0.05 }, { shape: [20] }],
    f: (x, w, b) => bceWithLogits(tf.add(tf.matMul(tf.mean(x, [1, 2]) as tf.Tensor2D, w as tf.Tensor2D), b) as tf.Tensor2D, tf.tensor2d([1, 0, 0, 1, ...new Array<number>(36).fill(0)], [2, 20])),
  },
  { name: 'residual add and relu (2×8×8×64)', inputs: [{ shape: [2, 8, 8, 64] }, { shape: [2, 8, 8, 64] }], f: (a, b) => tf.relu(tf.add(a, b)) },
  {
    name: 'bilinear resize by interpolation matrices, then min-max normalisation (3×5×7 → 32×30)',
    inputs: [{ shape: [3, 5, 7] }],
    f: (cams) => minMaxNormalize(resizeBilinear3d(cams as tf.Tensor3D, 32, 30)),
  },
  {
    name: 'soft mask, erasing, the β-term and the α-term over gathered rows (pairs 0,0,1)',
    inputs: [{ shape: [2, 6, 6, 3] }, { shape: [3, 6, 6] }, { shape: [3, 4] }],
    f: (images, cams, advLogits) => {
      const masks = softMask(tf.sigmoid(cams) as tf.Tensor3D, 100, 0.5);
      const erased = eraseImages(gatherRows(images as tf.Tensor4D, Int32Array.from([0, 0, 1])), masks);
      const terms = [camRegularizer(masks, 1e-2), adversarialTerm(advLogits as tf.Tensor2D, Int32Array.from([1, 3, 0]), 0.05), adversaryLoss(advLogits as tf.Tensor2D, tf.tensor2d([0, 1, 0, 1, 1, 0, 0, 0], [2, 4]), Int32Array.from([0, 0, 1]))];
      return tf.add(tf.sum(erased), tf.addN(terms));
    },
  },
  {
    name: 'Grad-CAM: the inner gradient of the selected logits, weights, relu, resize, normalise (2×4×4×32, K = 3)',
    inputs: [{ shape: [2, 4, 4, 32] }, { shape: [32, 3], scale: 0.2 }],
    f: (features, fcWeight) => {
      const source: CamSource = {
        head: (f) => tf.matMul(tf.mean(f, [1, 2]) as tf.Tensor2D, fcWeight as tf.Tensor2D),
        fcWeight,
        numClasses: 3,
      };
      return computeCams(source, features as tf.Tensor4D, pairsFromLabels([1, 0, 1, 0, 1, 0], 2, 3), 'gradcam', 16, 16);
    },
  },
];

async function expectMatch(c: Case): Promise<void> {
  const want = await runOn('cpu', c);
  const got = await runOn('webgpu', c);
  expect(relativeError(got.y, want.y)).toBeLessThan(1e-4);
  expect(got.grads).toHaveLength(c.inputs.length);
  got.grads.forEach((g, i) => expect(relativeError(g, want.grads[i] ?? new Float32Array(0)), `gradient of input ${i}`).toBeLessThan(1e-4));
}

describe.skipIf(!adapter.ok)(`webgpu kernels against cpu (${adapter.ok ? adapter.adapter : adapter.why})`, () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectMatch(c);
  });

  it("tfjs's own filter gradient agrees too (the path ours replaces), and ours chunks the batch", async () => {
    setWebGpuConvFilterGrad({ strategy: 'tfjs' });
    try {
      for (const c of CASES.filter((x) => x.name.startsWith('conv'))) await expectMatch(c);
    } finally {
      setWebGpuConvFilterGrad({ strategy: 'im2col' });
    }
    // One image's patches are 5·5·9·16 = 3600 floats: a cap of 8000 makes chunks of 2, 2 and 1 images.
    setWebGpuConvFilterGrad({ maxPatchFloats: 8000 });
    try {
      await expectMatch({ name: 'chunked', inputs: [{ shape: [5, 9, 9, 16] }, { shape: [3, 3, 16, 8], scale: 0.1 }], f: conv(2, 'same') });
    } finally {
      setWebGpuConvFilterGrad({ maxPatchFloats: 32 * 1024 * 1024 });
    }
  });

  it('ran every kernel on the device: none computed on the CPU, no synchronous read', () => {
    const calls = audit?.calls ?? new Map<string, number>();
    for (const kernel of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPool', 'MaxPoolGrad', 'BatchMatMul', 'Mean', 'Sum', 'Relu', 'Step', 'Rsqrt', 'Sigmoid', 'Log1p', 'OneHot', 'Min', 'Max', 'Slice', 'Concat']) {
      expect(calls.get(kernel) ?? 0, kernel).toBeGreaterThan(0);
    }
    expect(audit?.cpuOutputs).toEqual([]);
    expect(webGpuSyncReads()).toBe(0);
  });
});
