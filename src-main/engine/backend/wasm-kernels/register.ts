/**
 * Registers the training kernels the wasm backend lacks or runs slowly (tfjs 4.22, Node):
 * - Conv2DBackpropFilter: missing on wasm (training any conv net throws without it).
 * - Conv2DBackpropInput: wasm's own is a naive loop, ~10× slower than the forward conv.
 * - BatchMatMul with transposeA/transposeB: wasm only reaches XNNPACK without transposes (a
 *   transposed 1024×1152×128 product took 184 ms against 13 ms); the dense layer's gradients and
 *   matMul-based resizes hit it. We transpose explicitly, then multiply on the fast path.
 * - Tile: wasm's is slow, and batchNorm's gradient tiles a vector to the activation's shape.
 * The kernels the original handles better (NCHW data, non-float32) fall back to it.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2dBackpropFilterWasm, conv2dBackpropInputWasm } from './conv-backprop';
import { type TensorInfo, callKernel, release } from './heap';
import { tileWasm } from './tile';

const MARK = Symbol.for('eader.wasm-training-kernel');

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Strides = [number, number];
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface Marked {
  [MARK]?: true;
}

function isNhwc(dataFormat: unknown): boolean {
  return dataFormat === undefined || dataFormat === 'NHWC' || dataFormat === 'channelsLast';
}

function conv2dBackpropFilter({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  if (!isNhwc(attrs.dataFormat)) throw new Error('wasm Conv2DBackpropFilter supports NHWC (channelsLast) only');
  return conv2dBackpropFilterWasm(
    backend as BackendWasm,
    x,
    dy,
    attrs.filterShape as number[],
    attrs.strides as Strides,
    attrs.pad as Pad,
    attrs.dimRoundingMode as Rounding,
  );
}

function wrapConv2dBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs = {} } = args;
    if (!isNhwc(attrs.dataFormat)) return original(args);
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    return conv2dBackpropInputWasm(
      backend as BackendWasm,
      dy,
      filter,
      attrs.inputShape as number[],
      attrs.strides as Strides,
      attrs.pad as Pad,
      attrs.dimRoundingMode as Rounding,
    );
  };
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function wrapBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs = {} } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    if ((!attrs.transposeA && !attrs.transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const wasm = backend as BackendWasm;
    const aN = attrs.transposeA ? callKernel(wasm, 'Transpose', { x: a }, { perm: swapLastTwo(a.shape.length) }) : a;
    const bN = attrs.transposeB ? callKernel(wasm, 'Transpose', { x: b }, { perm: swapLastTwo(b.shape.length) }) : b;
    const out = original({ inputs: { a: aN, b: bN }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    if (aN !== a) release(wasm, aN);
    if (bN !== b) release(wasm, bN);
    return out;
  };
}

function wrapTile(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs = {} } = args;
    const { x } = inputs as { x: TensorInfo };
    if (x.dtype !== 'float32' || x.shape.length === 0) return original(args);
    return tileWasm(backend as BackendWasm, x, attrs.reps as number[]);
  };
}

function replaceKernel(kernelName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) throw new Error(`wasm kernel ${kernelName} is not registered: import @tensorflow/tfjs-backend-wasm first`);
  if ((original.kernelFunc as Marked)[MARK]) return;
  const kernelFunc: tf.KernelFunc & Marked = wrap(original.kernelFunc);
  kernelFunc[MARK] = true;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
}

/** Idempotent. Call after importing @tensorflow/tfjs-backend-wasm, before or after setBackend('wasm'). */
export function registerWasmTrainingKernels(): void {
  const existing = tf.getKernel('Conv2DBackpropFilter', 'wasm');
  if (!existing || !(existing.kernelFunc as Marked)[MARK]) {
    if (existing) tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    const kernelFunc: tf.KernelFunc & Marked = conv2dBackpropFilter;
    kernelFunc[MARK] = true;
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc });
  }
  replaceKernel('Conv2DBackpropInput', wrapConv2dBackpropInput);
  replaceKernel('BatchMatMul', wrapBatchMatMul);
  replaceKernel('Tile', wrapTile);
}
