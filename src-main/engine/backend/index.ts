/**
 * Picks and starts the compute backend of this process (DESIGN §3): tfjs-node-gpu, then tfjs-node,
 * then wasm, then cpu; EADER_BACKEND (or opts.force) forces one. Call it before creating any tensor.
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '@shared/domain/app-info';
import { BACKEND_ORDER, BACKEND_PACKAGES, parseBackendName } from './backend-names';
import { registerWasmTrainingKernels } from './wasm-kernels/register';

export { registerWasmTrainingKernels } from './wasm-kernels/register';

export interface StartedBackend {
  name: BackendName;
  /** tfjs's own name for it: 'tensorflow', 'wasm' or 'cpu'. */
  tfBackend: string;
  /** What computes, in words (GPU, the CPU model, SIMD or not). */
  device: string;
  /** Why this one was picked. */
  reason: string;
}

export interface InitBackendOptions {
  /** Any spelling parseBackendName accepts; wins over EADER_BACKEND. */
  force?: string;
  env?: NodeJS.ProcessEnv;
}

const requireHere = createRequire(import.meta.url);

/** Outcome of requiring a native package, kept per process: its binding must not load twice. */
const nativeLoads: Map<string, { ok: true } | { ok: false; missing: boolean; message: string }> = (() => {
  const key = Symbol.for('eader.backend.native-loads');
  const g = globalThis as unknown as Record<symbol, Map<string, { ok: true } | { ok: false; missing: boolean; message: string }>>;
  g[key] ??= new Map();
  return g[key];
})();

function isModuleNotFound(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(pkg);
}

function loadNative(pkg: string): { ok: true } | { ok: false; missing: boolean; message: string } {
  const known = nativeLoads.get(pkg);
  if (known) return known;
  let result: { ok: true } | { ok: false; missing: boolean; message: string };
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

async function start(name: BackendName): Promise<{ ok: true; choice: Omit<StartedBackend, 'reason'> } | { ok: false; why: string }> {
  const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    const loaded = loadNative(BACKEND_PACKAGES[name]);
    if (!loaded.ok) return { ok: false, why: loaded.message };
    if (!(await tf.setBackend('tensorflow'))) return { ok: false, why: `${BACKEND_PACKAGES[name]} loaded but tfjs could not start it` };
    const device = name === 'tensorflow-gpu' ? 'CUDA GPU via TensorFlow (tfjs-node-gpu)' : `${cpuModel} via native TensorFlow`;
    return { ok: true, choice: { name, tfBackend: 'tensorflow', device } };
  }
  if (name === 'wasm') {
    try {
      prepareWasm();
    } catch (error) {
      return { ok: false, why: `wasm backend unavailable: ${String(error)}` };
    }
    if (!(await tf.setBackend('wasm'))) return { ok: false, why: 'the wasm backend failed to initialise' };
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    return { ok: true, choice: { name, tfBackend: 'wasm', device: `${cpuModel}, WebAssembly${simd ? ' SIMD' : ''}, 1 thread` } };
  }
  if (!(await tf.setBackend('cpu'))) return { ok: false, why: 'the cpu backend failed to initialise' };
  return { ok: true, choice: { name: 'cpu', tfBackend: 'cpu', device: `${cpuModel}, plain JavaScript` } };
}

export async function initBackend(opts: InitBackendOptions = {}): Promise<StartedBackend> {
  const env = opts.env ?? process.env;
  const forcedText = opts.force ?? env.EADER_BACKEND;
  if (forcedText !== undefined && forcedText.trim() !== '') {
    const name = parseBackendName(forcedText);
    const source = opts.force !== undefined ? `forced by option (${opts.force})` : `forced by EADER_BACKEND=${forcedText}`;
    const started = await start(name);
    if (!started.ok) throw new Error(`Backend "${name}" is ${source} but cannot start: ${started.why}.`);
    return { ...started.choice, reason: source };
  }
  const skipped: string[] = [];
  for (const name of BACKEND_ORDER) {
    const started = await start(name);
    if (started.ok) {
      const why = skipped.length > 0 ? `best available (${skipped.join('; ')})` : 'best available';
      return { ...started.choice, reason: why };
    }
    skipped.push(started.why);
  }
  throw new Error(`No compute backend could start: ${skipped.join('; ')}`);
}
