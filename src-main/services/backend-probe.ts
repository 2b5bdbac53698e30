/**
 * Which compute backend a run would use on this machine, and why, found without starting any
 * (loading tfjs-node twice in one process breaks it, and the main process must stay light): the
 * packages that resolve, the WebGPU adapter (Dawn's adapter query, no device), then the same
 * resolution plan the trainer follows (engine/backend/resolve-order.ts).
 */
import { createRequire } from 'node:module';
import { tfjsNodeGpuRequirement, type BackendInfo, type BackendName } from '@shared/domain/app-info';
import type { PresetId } from '@shared/domain/train-presets';
import { BACKEND_ORDER, BACKEND_PACKAGES, forcedBackend } from '../engine/backend/backend-names';
import { planBackends, verdicts } from '../engine/backend/resolve-order';
import { adapterLabel, probeWebGpu, type WebGpuAvailability } from '../engine/backend/webgpu/adapter';

const requireHere = createRequire(import.meta.url);

function resolvable(pkg: string): boolean {
  try {
    requireHere.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

export interface ProbeDeps {
  isInstalled?: (pkg: string) => boolean;
  webgpu?: () => Promise<WebGpuAvailability>;
}

/** The preset for a backend: the paper's on a GPU, the CPU recipe ('quick') elsewhere. */
export function presetFor(name: BackendName, webgpu: WebGpuAvailability): PresetId {
  if (name === 'tensorflow-gpu') return 'paper';
  if (name === 'webgpu' && webgpu.ok && !webgpu.adapter.software) return 'paper';
  return 'quick';
}

function noteFor(preferred: BackendName, webgpu: WebGpuAvailability, available: readonly BackendName[]): string {
  if (preferred === 'webgpu' && webgpu.ok) return `GPU: ${adapterLabel(webgpu.adapter)}, via WebGPU.`;
  if (preferred === 'tensorflow-gpu') return 'GPU backend installed (tfjs-node-gpu, CUDA).';
  const gpu = webgpu.ok ? `the only WebGPU adapter is a software one (${adapterLabel(webgpu.adapter)})` : `WebGPU: ${webgpu.why}`;
  const meanwhile = available.includes('tensorflow') ? 'native CPU TensorFlow' : preferred === 'cpu' ? 'plain JavaScript' : 'WebAssembly';
  return `No GPU backend (${gpu}); training on the CPU with ${meanwhile}. A GPU with a Vulkan, Metal or D3D12 driver is used through WebGPU; for CUDA, ${tfjsNodeGpuRequirement()}.`;
}

export async function probeBackends(env: NodeJS.ProcessEnv = process.env, deps: ProbeDeps = {}): Promise<BackendInfo> {
  const isInstalled = deps.isInstalled ?? resolvable;
  const installed = (name: BackendName): boolean => BACKEND_PACKAGES[name].every(isInstalled);
  const available = BACKEND_ORDER.filter(installed);
  const forced = forcedBackend({ env });
  const webgpu: WebGpuAvailability = installed('webgpu') ? await (deps.webgpu ?? probeWebGpu)() : { ok: false, why: `${BACKEND_PACKAGES.webgpu.find((p) => !isInstalled(p)) ?? 'webgpu'} is not installed` };
  const plan = planBackends({ forced, webgpu, installed: (name) => installed(name) || `${BACKEND_PACKAGES[name][0] ?? name} is not installed` });
  const preferred = plan.attempts[0] ?? 'cpu';
  const candidates = verdicts(plan, [], { name: preferred, why: forced ? forced.by : 'best available' });
  return {
    preferred,
    available,
    forcedBy: forced ? `EADER_BACKEND=${env.EADER_BACKEND ?? ''}` : null,
    note: plan.warning ?? noteFor(preferred, webgpu, available),
    adapter: webgpu.ok ? webgpu.adapter : null,
    candidates,
    suggestedPreset: presetFor(preferred, webgpu),
  };
}
