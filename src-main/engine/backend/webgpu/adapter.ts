/**
 * WebGPU without tfjs: where `navigator.gpu` comes from in this process, the adapter we would use,
 * and whether it is a real GPU. tf-free, so the main process can probe the adapter for the UI.
 *  - Chromium (a renderer) has its own navigator.gpu. Node and Electron's utility process get one
 *    from the `webgpu` package (Dawn, an N-API addon, prebuilt for five platforms; optional).
 *  - tfjs-backend-webgpu reads the global `navigator.gpu` and the GPUBufferUsage/GPUMapMode
 *    constants: installNavigatorGpu() provides them, releaseNavigatorGpu() removes them again
 *    (a process that keeps them may not exit).
 *  - Software adapters (isFallbackAdapter, lavapipe/llvmpipe, SwiftShader, WARP) emulate a GPU on
 *    the CPU: slower than wasm, used only when forced (DESIGN §3).
 */
import { adapterLabel, type GpuAdapter } from '@shared/domain/app-info';
import { BACKEND_PACKAGES } from '../backend-names';

export { adapterLabel };

/** The parts of the WebGPU API used here (structural, so no global WebGPU types are needed). */
export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
export interface GpuLimitsLike {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeWorkgroupsPerDimension: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeInvocationsPerWorkgroup: number;
}
export interface GpuAdapterLike {
  readonly info?: GpuAdapterInfoLike;
  readonly limits: GpuLimitsLike;
  readonly features: ReadonlySet<string>;
  /** Older Chromium: the adapter's flag instead of info.isFallbackAdapter. */
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: unknown): Promise<unknown>;
}
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** The `webgpu` package (Dawn for Node). */
const DAWN_PACKAGE = BACKEND_PACKAGES.webgpu[0] ?? 'webgpu';

export type GpuSource = 'chromium' | 'dawn';
type GpuApi = { ok: true; gpu: GpuLike; source: GpuSource } | { ok: false; why: string };

const SOFTWARE_NAMES = /\b(llvmpipe|lavapipe|swiftshader|softpipe|software|microsoft basic render)\b/i;

/** A CPU rasteriser posing as a GPU. */
export function isSoftwareAdapter(info: GpuAdapterInfoLike, adapterFlag = false): boolean {
  if (adapterFlag || info.isFallbackAdapter === true) return true;
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  return SOFTWARE_NAMES.test(text);
}

export function describeAdapter(adapter: GpuAdapterLike): GpuAdapter {
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software: isSoftwareAdapter(info, adapter.isFallbackAdapter === true),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

/** Per process: Dawn's instance is created once (its globals must not be replaced under tfjs). */
const state: { api: Promise<GpuApi> | null; installed: boolean } = (() => {
  const key = Symbol.for('eader.webgpu.api');
  const g = globalThis as unknown as Record<symbol, { api: Promise<GpuApi> | null; installed: boolean }>;
  g[key] ??= { api: null, installed: false };
  return g[key];
})();

function chromiumGpu(): GpuLike | null {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu && !state.installed ? nav.gpu : null;
}

async function loadDawn(): Promise<GpuApi> {
  const own = chromiumGpu();
  if (own) return { ok: true, gpu: own, source: 'chromium' };
  let dawn: DawnModule;
  try {
    // By name at run time: the package is optional, and must stay outside the bundles (native addon).
    dawn = (await import(/* @vite-ignore */ DAWN_PACKAGE)) as DawnModule;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    const missing = e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND';
    return { ok: false, why: missing ? 'the webgpu package (Dawn) is not installed' : `the webgpu package (Dawn) failed to load: ${e.message ?? String(error)}` };
  }
  // GPUBufferUsage, GPUMapMode, … : tfjs-backend-webgpu uses them as globals.
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(dawn.globals)) if (!(name in g)) g[name] = value;
  return { ok: true, gpu: dawn.create([]), source: 'dawn' };
}

/** navigator.gpu's provider for this process (cached). */
export function gpuApi(): Promise<GpuApi> {
  state.api ??= loadDawn();
  return state.api;
}

export type AdapterResult = { ok: true; adapter: GpuAdapterLike; report: GpuAdapter; source: GpuSource } | { ok: false; why: string };

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer in ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** The high-performance adapter, described; never throws. */
export async function requestGpuAdapter(timeoutMs = 15_000): Promise<AdapterResult> {
  const api = await gpuApi();
  if (!api.ok) return api;
  try {
    const adapter = await withTimeout(api.gpu.requestAdapter({ powerPreference: 'high-performance' }), timeoutMs, 'requestAdapter');
    if (!adapter) return { ok: false, why: 'no WebGPU adapter (no GPU driver with Vulkan, Metal or D3D12 was found)' };
    return { ok: true, adapter, report: describeAdapter(adapter), source: api.source };
  } catch (error) {
    return { ok: false, why: `requesting a WebGPU adapter failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** What the resolution order needs to know about WebGPU on this machine. */
export type WebGpuAvailability = { ok: true; adapter: GpuAdapter } | { ok: false; why: string };

let probed: Promise<WebGpuAvailability> | null = null;
/** The adapter report without creating a device (cached per process; the main process uses it). */
export function probeWebGpu(): Promise<WebGpuAvailability> {
  probed ??= requestGpuAdapter().then((r) => (r.ok ? { ok: true, adapter: r.report } : { ok: false, why: r.why }));
  return probed;
}

/** Make Dawn's GPU the global navigator.gpu that tfjs-backend-webgpu reads (Node, utility process). */
export function installNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (g.navigator?.gpu === gpu) return;
  if (g.navigator === undefined) g.navigator = {};
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, enumerable: true, writable: true });
  state.installed = true;
}

/** Remove what installNavigatorGpu() added, so the process can exit. */
export function releaseNavigatorGpu(): void {
  if (!state.installed) return;
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (g.navigator) delete g.navigator.gpu;
  state.installed = false;
}
