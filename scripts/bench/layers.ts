/**
 * Per-layer conv timings on wasm (DESIGN §3 table): forward conv, dX through wasm's own
 * Conv2DBackpropInput, dX and dW through our kernels, and dW as a dilated forward conv (the
 * design's reference recipe), all batch 16, median of 5.
 */
import * as tf from '@tensorflow/tfjs';
import { timeMs } from './timing';

export interface LayerSpec {
  size: number;
  inC: number;
  outC: number;
  k: number;
  stride: number;
}

export const LAYERS: LayerSpec[] = [
  { size: 64, inC: 3, outC: 32, k: 3, stride: 2 },
  { size: 32, inC: 32, outC: 64, k: 3, stride: 2 },
  { size: 16, inC: 64, outC: 128, k: 3, stride: 2 },
  { size: 8, inC: 128, outC: 128, k: 3, stride: 1 },
  { size: 32, inC: 64, outC: 64, k: 3, stride: 1 },
  { size: 128, inC: 3, outC: 64, k: 7, stride: 2 },
  { size: 16, inC: 64, outC: 128, k: 1, stride: 2 },
  { size: 8, inC: 256, outC: 512, k: 3, stride: 2 },
];

export interface LayerTiming extends LayerSpec {
  forwardMs: number;
  dxOriginalMs: number | null;
  dxMs: number;
  dwDilatedMs: number;
  dwMs: number;
}

type KernelFunc = tf.KernelFunc;

/** Runs a kernel function directly and frees what it returns (after reading it back). */
function runRaw(kernel: KernelFunc, inputs: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap): void {
  const backend = tf.backend();
  const out = kernel({ inputs, backend, attrs }) as tf.TensorInfo;
  backend.readSync(out.dataId);
  backend.disposeData(out.dataId);
}

function dwDilated(x: tf.Tensor4D, dy: tf.Tensor4D, l: LayerSpec, pad: number): tf.Tensor {
  return tf.tidy(() => {
    const xT = x.transpose([3, 1, 2, 0]) as tf.Tensor4D; // [Ci,H,W,B]
    const dyT = dy.transpose([1, 2, 0, 3]) as tf.Tensor4D; // [Ho,Wo,B,Co]
    const out = tf.conv2d(xT, dyT, 1, [[0, 0], [pad, pad], [pad, pad], [0, 0]], 'NHWC', l.stride);
    return out.slice([0, 0, 0, 0], [l.inC, l.k, l.k, l.outC]).transpose([1, 2, 0, 3]);
  });
}

export function timeLayers(originalDx: KernelFunc | null, batch = 16, repeats = 5): LayerTiming[] {
  const results: LayerTiming[] = [];
  for (const l of LAYERS) {
    const p = Math.floor(l.k / 2);
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p, p], [p, p], [0, 0]];
    const x = tf.randomNormal([batch, l.size, l.size, l.inC]) as tf.Tensor4D;
    const w = tf.randomNormal([l.k, l.k, l.inC, l.outC]) as tf.Tensor4D;
    const y = tf.conv2d(x, w, l.stride, pad);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const sync = (t: tf.Tensor) => {
      t.dataSync();
      t.dispose();
    };
    const dxAttrs = { inputShape: x.shape, strides: [l.stride, l.stride], pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const dwAttrs = { strides: [l.stride, l.stride], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: w.shape };
    results.push({
      ...l,
      forwardMs: timeMs(() => sync(tf.conv2d(x, w, l.stride, pad)), repeats),
      dxOriginalMs: originalDx
        ? timeMs(() => runRaw(originalDx, { dy, filter: w }, dxAttrs as unknown as tf.NamedAttrMap), l.k === 7 ? 3 : repeats)
        : null,
      dxMs: timeMs(() => sync(tf.conv2dTranspose(dy, w, x.shape, l.stride, pad)), repeats),
      dwDilatedMs: timeMs(() => sync(dwDilated(x, dy, l, p)), repeats),
      dwMs: timeMs(() => sync(tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, dwAttrs as unknown as tf.NamedAttrMap) as tf.Tensor), repeats),
    });
    tf.dispose([x, w, y, dy]);
  }
  return results;
}
