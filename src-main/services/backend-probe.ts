/**
 * Which compute backends this machine can use, found without loading any of them (loading
 * tfjs-node twice in one process breaks it, and the main process must stay light).
 * Resolution order: tfjs-node-gpu, then tfjs-node, then wasm, then cpu. EADER_BACKEND forces one.
 */
import { createRequire } from 'node:module';
import type { BackendInfo } from '@shared/domain/app-info';
import { BACKEND_ORDER, BACKEND_PACKAGES, parseBackendName } from '../engine/backend/backend-names';

const requireHere = createRequire(import.meta.url);

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
