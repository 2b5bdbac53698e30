/**
 * Starts tfjs's WebGPU backend on our adapter (high-performance, with the adapter's own limits)
 * and guards it:
 *  - every async read (tensor.data()) fails with the device's GpuFault if one was recorded, and a
 *    read pending when the device is lost ends with that fault instead of hanging;
 *  - a synchronous read of GPU data (dataSync/arraySync) throws a clear error (in Node it would
 *    throw "OffscreenCanvas is not defined"; in Chromium it silently returns zeros);
 *  - a tensor larger than the adapter's largest storage binding fails at once, with its size,
 *    instead of a validation error and garbage later;
 *  - WEBGPU_CPU_FORWARD is off: no kernel silently runs on the CPU backend because its inputs
 *    happen to be small and not yet uploaded; every op of a step runs on the device;
 *  - the filter gradient of a convolution is ours (conv-filter-grad.ts: im2col + a tiled matmul).
 * We register the factory ourselves (tfjs-backend-webgpu only registers one when navigator.gpu
 * exists at import time, and would request its own adapter).
 */
import * as tf from '@tensorflow/tfjs';
import type { GpuAdapter } from '@shared/domain/app-info';
import { adapterLabel, gpuApi, installNavigatorGpu, requestGpuAdapter, releaseNavigatorGpu, type GpuAdapterLike } from './adapter';
import { registerWebGpuConvFilterGrad } from './conv-filter-grad';
import { GpuFault, GpuFaultMonitor, tooLargeFault } from './faults';

/** The tfjs-backend-webgpu internals we guard (4.22). */
interface TensorDataLike {
  values: unknown;
  dtype: string;
  resource: unknown;
}
interface WebGpuBackendLike extends tf.KernelBackend {
  device: GpuDeviceLike;
  tensorMap: { get(dataId: object): TensorDataLike | undefined };
  bufferManager: { acquireBuffer(size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean): unknown };
}
interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  addEventListener(type: 'uncapturederror', listener: (event: { error?: { message?: string } }) => void): void;
  destroy(): void;
  readonly limits: { maxStorageBufferBindingSize: number };
}

export interface WebGpuStarted {
  adapter: GpuAdapter;
  device: string;
  monitor: GpuFaultMonitor;
}

interface WebGpuState {
  started: Promise<{ ok: true; value: WebGpuStarted } | { ok: false; why: string }> | null;
  device: GpuDeviceLike | null;
  /** Synchronous reads of GPU data seen (each one also threw). */
  syncReads: number;
}
const state: WebGpuState = (() => {
  const key = Symbol.for('eader.webgpu.backend');
  const g = globalThis as unknown as Record<symbol, WebGpuState>;
  g[key] ??= { started: null, device: null, syncReads: 0 };
  return g[key];
})();

const STORAGE = 0x0080; // GPUBufferUsage.STORAGE

export class SyncReadError extends Error {
  override readonly name = 'SyncReadError';
}

function guard(backend: WebGpuBackendLike, monitor: GpuFaultMonitor): void {
  const read = backend.read.bind(backend);
  backend.read = async (dataId: object) => {
    monitor.check();
    const lost = monitor.lost.then((fault) => Promise.reject(fault));
    lost.catch(() => undefined);
    try {
      const values = await Promise.race([read(dataId), lost]);
      monitor.check();
      return values;
    } catch (error) {
      // A read cut short by a loss rejects with an AbortError: report the loss instead.
      await Promise.resolve();
      monitor.check();
      throw error;
    }
  };
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId: object) => {
    const data = backend.tensorMap.get(dataId);
    if (data && data.values == null && data.dtype !== 'string') {
      state.syncReads += 1;
      throw new SyncReadError('A synchronous read (dataSync/arraySync/bufferSync) of GPU data on the webgpu backend: read it with `await tensor.data()`.');
    }
    return readSync(dataId);
  };
  const limit = backend.device.limits.maxStorageBufferBindingSize;
  const acquire = backend.bufferManager.acquireBuffer.bind(backend.bufferManager);
  backend.bufferManager.acquireBuffer = (size, usage, mappedAtCreation, reuse) => {
    if ((usage & STORAGE) !== 0 && size > limit) throw tooLargeFault(size, limit);
    return acquire(size, usage, mappedAtCreation, reuse);
  };
}

async function createBackend(adapter: GpuAdapterLike): Promise<{ backend: tf.KernelBackend; monitor: GpuFaultMonitor }> {
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const l = adapter.limits;
  const requiredFeatures = ['timestamp-query'].filter((f) => adapter.features.has(f));
  const device = (await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  })) as GpuDeviceLike;
  state.device = device;
  const monitor = new GpuFaultMonitor(device);
  const backend = new WebGPUBackend(device as never, adapter.info as never) as unknown as WebGpuBackendLike;
  guard(backend, monitor);
  return { backend, monitor };
}

async function start(): Promise<{ ok: true; value: WebGpuStarted } | { ok: false; why: string }> {
  const found = await requestGpuAdapter();
  if (!found.ok) return found;
  if (found.source === 'dawn') {
    const api = await gpuApi();
    if (api.ok) installNavigatorGpu(api.gpu);
  }
  // Importing registers the kernels (and, with navigator.gpu present, tfjs's own factory: replaced).
  await import('@tensorflow/tfjs-backend-webgpu');
  registerWebGpuConvFilterGrad();
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  const made: { monitor?: GpuFaultMonitor; failure?: string } = {};
  tf.registerBackend(
    'webgpu',
    async () => {
      try {
        const created = await createBackend(found.adapter);
        made.monitor = created.monitor;
        return created.backend;
      } catch (error) {
        made.failure = error instanceof Error ? error.message : String(error);
        throw error;
      }
    },
    1,
  );
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend('webgpu')) || !made.monitor) {
    return { ok: false, why: `the WebGPU device on ${adapterLabel(found.report)} could not start${made.failure ? `: ${made.failure}` : ''}` };
  }
  const via = found.source === 'dawn' ? 'Dawn' : 'Chromium';
  return { ok: true, value: { adapter: found.report, device: `${adapterLabel(found.report)} via WebGPU (${via})`, monitor: made.monitor } };
}

/** Start (once per process) and select the webgpu backend. */
export async function startWebGpu(): Promise<{ ok: true; value: WebGpuStarted } | { ok: false; why: string }> {
  state.started ??= start();
  const started = await state.started;
  if (started.ok && tf.getBackend() !== 'webgpu' && !(await tf.setBackend('webgpu'))) return { ok: false, why: 'the webgpu backend could not be selected again' };
  return started;
}

/** The fault monitor of the running webgpu device, if this process started one. */
export async function webGpuMonitor(): Promise<GpuFaultMonitor | null> {
  const started = state.started ? await state.started : null;
  return started?.ok ? started.value.monitor : null;
}

/** Synchronous reads of GPU data this process attempted (each threw a SyncReadError). */
export function webGpuSyncReads(): number {
  return state.syncReads;
}

/** Dispose the webgpu backend, destroy its device and remove navigator.gpu, so the process can exit. */
export function releaseWebGpu(): void {
  if (!state.started) return;
  if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  state.device?.destroy();
  state.device = null;
  state.started = null;
  releaseNavigatorGpu();
}

export { GpuFault };
