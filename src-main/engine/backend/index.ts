/**
 * Picks and starts the compute backend of this process (DESIGN §3): webgpu on a hardware adapter,
 * then tfjs-node-gpu, tfjs-node, wasm, cpu (resolve-order.ts); EADER_BACKEND (or opts.force)
 * forces one. Call it before creating any tensor.
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendCandidate, BackendName, GpuAdapter } from '@shared/domain/app-info';
import { BACKEND_PACKAGES, forcedBackend } from './backend-names';
import { planBackends, verdicts } from './resolve-order';
import { probeWebGpu, type WebGpuAvailability } from './webgpu/adapter';
import { startWebGpu } from './webgpu/start';
import { registerWasmTrainingKernels } from './wasm-kernels/register';

export { registerWasmTrainingKernels } from './wasm-kernels/register';
export { releaseWebGpu, webGpuMonitor } from './webgpu/start';
export { GpuFault, isGpuFault } from './webgpu/faults';

/** The backend this process computes on, and how it was chosen. */
export interface StartedBackend {
  name: BackendName;
  /** tfjs's own name for it: 'webgpu', 'tensorflow', 'wasm' or 'cpu'. */
  tfBackend: string;
  /** What computes, in words (the GPU adapter, the CPU model, SIMD or not). */
  device: string;
  /** Why this one was picked. */
  reason: string;
  /** The WebGPU adapter when name is 'webgpu', else null. */
  adapter: GpuAdapter | null;
  /** Every backend of the order with its verdict. */
  candidates: BackendCandidate[];
  /** A notice for the user (a forced software adapter), or null. */
  warning: string | null;
}

export interface InitBackendOptions {
  /** Any spelling parseBackendName accepts; wins over EADER_BACKEND. */
  force?: string;
  env?: NodeJS.ProcessEnv;
  /** What WebGPU offers here (tests inject adapters); default: ask Dawn / navigator.gpu. */
  webgpu?: () => Promise<WebGpuAvailability>;
}

const requireHere = createRequire(import.meta.url);

type Load = { ok: true } | { ok: false; missing: boolean; message: string };

/** Outcome of requiring a native package, kept per process: its binding must not load twice. */
const nativeLoads: Map<string, Load> = (() => {
  const key = Symbol.for('eader.backend.native-loads');
  const g = globalThis as unknown as Record<symbol, Map<string, Load>>;
  g[key] ??= new Map();
  return g[key];
})();

function isModuleNotFound(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(pkg);
}

function loadNative(pkg: string): Load {
  const known = nativeLoads.get(pkg);
  if (known) return known;
  let result: Load;
  try {
    requireHere(pkg);
    result = { ok: true };
  } catch (error) {
    const missing = isModuleNotFound(error, pkg);
    result = { ok: false, missing, message: missing ? `${pkg} is not installed` : `${pkg} failed to load: ${String(error)}` };
  }
  nativeLoads.set(pkg, result);
  return result;
}

/** Without loading anything: can this backend's packages be found? */
function resolvable(name: Exclude<BackendName, 'webgpu'>): true | string {
  for (const pkg of BACKEND_PACKAGES[name]) {
    try {
      requireHere.resolve(pkg);
    } catch {
      return `${pkg} is not installed`;
    }
  }
  return true;
}

let wasmPathsSet = false;
function prepareWasm(): void {
  if (!wasmPathsSet) {
    // The .wasm binaries ship inside the package; in Node the prefix is a file path.
    const dist = join(dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    setWasmPaths(dist);
    wasmPathsSet = true;
  }
  registerWasmTrainingKernels();
}

type Started = { ok: true; choice: Pick<StartedBackend, 'name' | 'tfBackend' | 'device' | 'adapter'> } | { ok: false; why: string };

async function start(name: BackendName): Promise<Started> {
  const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
  if (name === 'webgpu') {
    const started = await startWebGpu();
    if (!started.ok) return started;
    return { ok: true, choice: { name, tfBackend: 'webgpu', device: started.value.device, adapter: started.value.adapter } };
  }
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    const pkg = BACKEND_PACKAGES[name][0] ?? name;
    const loaded = loadNative(pkg);
    if (!loaded.ok) return { ok: false, why: loaded.message };
    if (!(await tf.setBackend('tensorflow'))) return { ok: false, why: `${pkg} loaded but tfjs could not start it` };
    const device = name === 'tensorflow-gpu' ? 'CUDA GPU via TensorFlow (tfjs-node-gpu)' : `${cpuModel} via native TensorFlow`;
    return { ok: true, choice: { name, tfBackend: 'tensorflow', device, adapter: null } };
  }
  if (name === 'wasm') {
    try {
      prepareWasm();
    } catch (error) {
      return { ok: false, why: `wasm backend unavailable: ${String(error)}` };
    }
    if (!(await tf.setBackend('wasm'))) return { ok: false, why: 'the wasm backend failed to initialise' };
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    return { ok: true, choice: { name, tfBackend: 'wasm', device: `${cpuModel}, WebAssembly${simd ? ' SIMD' : ''}, 1 thread`, adapter: null } };
  }
  if (!(await tf.setBackend('cpu'))) return { ok: false, why: 'the cpu backend failed to initialise' };
  return { ok: true, choice: { name: 'cpu', tfBackend: 'cpu', device: `${cpuModel}, plain JavaScript`, adapter: null } };
}

export async function initBackend(opts: InitBackendOptions = {}): Promise<StartedBackend> {
  const forced = forcedBackend(opts);
  const wantsWebGpu = forced === null || forced.name === 'webgpu';
  const webgpu: WebGpuAvailability = wantsWebGpu ? await (opts.webgpu ?? probeWebGpu)() : { ok: false, why: 'not needed' };
  const plan = planBackends({ forced, webgpu, installed: resolvable });
  const failed: BackendCandidate[] = [];
  for (const name of plan.attempts) {
    const started: Started = name === 'webgpu' && !webgpu.ok ? webgpu : await start(name);
    if (started.ok) {
      const skipped = [...plan.excluded.filter((c) => c.status === 'unavailable' || c.name === 'webgpu'), ...failed].map((c) => c.why);
      const reason = forced ? forced.by : skipped.length > 0 ? `best available (${skipped.join('; ')})` : 'best available';
      return { ...started.choice, reason, candidates: verdicts(plan, failed, { name, why: reason }), warning: plan.warning };
    }
    failed.push({ name, status: 'unavailable', why: started.why });
  }
  const whys = [...plan.excluded, ...failed].filter((c) => c.status === 'unavailable').map((c) => c.why);
  if (forced) throw new Error(`Backend "${forced.name}" is ${forced.by} but cannot start: ${failed[0]?.why ?? 'unknown reason'}.`);
  throw new Error(`No compute backend could start: ${whys.join('; ')}`);
}
