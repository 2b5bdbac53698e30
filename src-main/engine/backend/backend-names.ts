/**
 * The compute backends by name: their packages, the resolution order and the accepted spellings.
 * A tf-free leaf, so that the main process can probe backends without loading tfjs, and the engine
 * and the services agree on one table.
 */
import type { BackendName } from '@shared/domain/app-info';

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
