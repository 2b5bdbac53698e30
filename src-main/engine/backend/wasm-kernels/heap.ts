/**
 * Small helpers for kernels that run on the wasm backend: call another registered wasm kernel
 * directly (no tape, no engine bookkeeping), allocate outputs and read/write their memory in place.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type TensorInfo = tf.TensorInfo;
export type Attrs = tf.NamedAttrMap;

/** Calls a wasm kernel by name, bypassing the engine (the caller disposes what it gets back). */
export function callKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: Record<string, TensorInfo>,
  attrs: Attrs = {},
): TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (!kernel) throw new Error(`wasm kernel ${kernelName} is not registered`);
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${kernelName} returned several outputs`);
  return out;
}

/** A float32 view on a tensor's wasm memory. Take it after the last allocation: the heap can grow. */
export function heapView(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

export function reshapeInfo(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return callKernel(backend, 'Reshape', { x }, { shape });
}

export function transposeInfo(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return callKernel(backend, 'Transpose', { x }, { perm });
}

/** a [1,M,K] × b [1,K,N] on XNNPACK's fast path (the wasm kernel is only fast without transposes). */
export function matMulNN(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  return callKernel(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
}
