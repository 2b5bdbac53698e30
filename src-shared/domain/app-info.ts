import { z } from 'zod';
import { BackendName } from './backend-name';
import { PresetId } from './train-presets';

export { BackendName } from './backend-name';

/** A WebGPU adapter as the trainer and the probe report it (from GPUAdapter.info and .limits). */
export const GpuAdapter = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  /** A CPU rasteriser posing as a GPU (isFallbackAdapter, lavapipe/llvmpipe, SwiftShader, WARP). */
  software: z.boolean(),
  /** The largest buffer, and the largest storage binding (one tensor), in bytes. */
  maxBufferSize: z.number().nonnegative(),
  maxStorageBufferBindingSize: z.number().nonnegative(),
});
export type GpuAdapter = z.infer<typeof GpuAdapter>;

/** The adapter in words, e.g. "NVIDIA GeForce RTX 4090 (nvidia, ada)" or "llvmpipe: Mesa 25.0.7 (mesa), software adapter". */
export function adapterLabel(adapter: GpuAdapter, opts: { software?: boolean } = {}): string {
  const name = adapter.description || adapter.device || adapter.vendor || 'unnamed adapter';
  const lower = name.toLowerCase();
  const detail = [adapter.vendor, adapter.architecture].filter((s) => s && s !== 'software' && !lower.includes(s.toLowerCase())).join(', ');
  return `${name}${detail ? ` (${detail})` : ''}${adapter.software && opts.software !== false ? ', software adapter' : ''}`;
}

/** Why one backend of the resolution order was or was not picked. */
export const BackendCandidate = z.object({
  name: BackendName,
  status: z.enum(['picked', 'skipped', 'unavailable']),
  why: z.string(),
});
export type BackendCandidate = z.infer<typeof BackendCandidate>;

/** What the main side knows about compute, before any training runs. */
export const BackendInfo = z.object({
  /** The backend a run would use now (the best one installed, or the forced one). */
  preferred: BackendName,
  /** Every backend whose packages resolve on this machine, best first. */
  available: z.array(BackendName),
  /** Set when EADER_BACKEND or --backend forces one. */
  forcedBy: z.string().nullable(),
  /** A one-line explanation for the user, e.g. how to get a GPU backend. */
  note: z.string(),
  /** The WebGPU adapter found on this machine (hardware or software), or null. */
  adapter: GpuAdapter.nullable(),
  /** The resolution order with each backend's verdict. */
  candidates: z.array(BackendCandidate),
  /** The training preset that suits the preferred backend (the Training area starts on it). */
  suggestedPreset: PresetId,
});
export type BackendInfo = z.infer<typeof BackendInfo>;

/**
 * What @tensorflow/tfjs-node-gpu needs, stated once (README, docs/backends.md and the UI all show
 * tfjsNodeGpuRequirement()). From the package itself: scripts/deps-constants.js pins
 * LIBTENSORFLOW_VERSION = '2.9.1', and scripts/install.js downloads a GPU build only for
 * gpu-linux-x86_64 and gpu-windows-x86_64. libtensorflow 2.9 is built against CUDA 11.2 and
 * cuDNN 8.1 (TensorFlow's tested build configurations; the tfjs-node README says "Cuda 11.2 w/ CUDNN v8").
 * scripts/tfjs-node-gpu-requirement.spec.ts checks the versions against the package and the docs.
 */
export const TFJS_NODE_GPU = {
  packageVersion: '4.22.0',
  libtensorflow: '2.9.1',
  cuda: '11.2',
  cudnn: '8.1',
  platforms: ['Linux x86-64', 'Windows x86-64'],
} as const;

export function tfjsNodeGpuRequirement(): string {
  const r = TFJS_NODE_GPU;
  return `@tensorflow/tfjs-node-gpu ${r.packageVersion} runs libtensorflow ${r.libtensorflow}, which needs an NVIDIA driver with CUDA ${r.cuda} and cuDNN ${r.cudnn}, on ${r.platforms.join(' or ')} only`;
}

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  transport: z.enum(['electron', 'host']),
  platform: z.string(),
  node: z.string(),
  backend: BackendInfo,
  project: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;
