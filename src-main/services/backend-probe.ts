/**
 * Which compute backends this machine can use, found without loading any of them (loading
 * tfjs-node twice in one process breaks it, and the main process must stay light).
 * Resolution order: tfjs-node-gpu, then tfjs-node, then wasm, then cpu. EADER_BACKEND forces one.
 */
import { createRequire } from 'node:module';
import type { BackendInfo, BackendName } from '@shared/domain/app-info';

const requireHere = createRequire(import.meta.url);

export const BACKEND_PACKAGES: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
};
export const BACKEND_ORDER: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Accepted spellings for --backend / EADER_BACKEND. */
const ALIASES: Record<string, BackendName> = {
  gpu: 'tensorflow-gpu',
  'tensorflow-gpu': 'tensorflow-gpu',
  'tfjs-node-gpu': 'tensorflow-gpu',
  tensorflow: 'tensorflow',
  node: 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

export function parseBackendName(text: string): BackendName {
  const name = ALIASES[text.trim().toLowerCase()];
  if (!name) throw new Error(`Unknown backend "${text}". Use one of: cpu, wasm, tensorflow, tensorflow-gpu.`);
  return name;
}

function resolvable(pkg: string): boolean {
  try {
    requireHere.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

export function probeBackends(
  env: NodeJS.ProcessEnv = process.env,
  isInstalled: (pkg: string) => boolean = resolvable,
): BackendInfo {
  const available = BACKEND_ORDER.filter((name) => isInstalled(BACKEND_PACKAGES[name]));
  const forced = env.EADER_BACKEND ? parseBackendName(env.EADER_BACKEND) : null;
  const preferred = forced ?? available[0] ?? 'cpu';
  let note: string;
  if (available.includes('tensorflow-gpu')) note = 'GPU backend installed (tfjs-node-gpu, CUDA).';
  else
    note =
      'No GPU backend: install @tensorflow/tfjs-node-gpu on a machine with CUDA 11.x and cuDNN 8 to train on the GPU' +
      (available.includes('tensorflow') ? '; using native CPU TensorFlow meanwhile.' : '; using WebAssembly meanwhile.');
  return { preferred, available, forcedBy: forced ? `EADER_BACKEND=${env.EADER_BACKEND}` : null, note };
}
