/**
 * The compute backends by name: their packages, the resolution order and the accepted spellings.
 * A tf-free leaf, so that the main process can probe backends without loading tfjs, and the engine,
 * the services and the CLI agree on one table.
 */
import type { BackendName } from '@shared/domain/app-info';

/** The packages each backend needs, the first one naming it in messages. */
export const BACKEND_PACKAGES: Record<BackendName, readonly string[]> = {
  webgpu: ['webgpu', '@tensorflow/tfjs-backend-webgpu'],
  'tensorflow-gpu': ['@tensorflow/tfjs-node-gpu'],
  tensorflow: ['@tensorflow/tfjs-node'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  cpu: ['@tensorflow/tfjs'],
};

/** Best first. webgpu counts only on a hardware adapter unless forced (see resolve-order.ts). */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Accepted spellings for --backend / EADER_BACKEND. */
const ALIASES: Record<string, BackendName> = {
  webgpu: 'webgpu',
  dawn: 'webgpu',
  gpu: 'tensorflow-gpu',
  'tensorflow-gpu': 'tensorflow-gpu',
  'tfjs-node-gpu': 'tensorflow-gpu',
  tensorflow: 'tensorflow',
  node: 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

const NAMES = 'webgpu, tensorflow-gpu, tensorflow, wasm, cpu';

export function parseBackendName(text: string): BackendName {
  const name = ALIASES[text.trim().toLowerCase()];
  if (!name) throw new Error(`Unknown backend "${text}". Use one of: ${NAMES}.`);
  return name;
}

/** A run's backend setting: 'auto' (the resolution order) or one forced backend. */
export function parseBackendChoice(text: string): BackendName | 'auto' {
  if (text.trim().toLowerCase() === 'auto') return 'auto';
  const name = ALIASES[text.trim().toLowerCase()];
  if (!name) throw new Error(`Unknown backend "${text}". Use auto or one of: ${NAMES}.`);
  return name;
}

/** Who forces a backend: the option, then EADER_BACKEND; null for auto. */
export function forcedBackend(opts: { force?: string; env?: NodeJS.ProcessEnv }): { name: BackendName; by: string } | null {
  const env = opts.env ?? process.env;
  if (opts.force !== undefined && opts.force.trim() !== '') return { name: parseBackendName(opts.force), by: `forced by option (${opts.force})` };
  const text = env.EADER_BACKEND;
  if (text !== undefined && text.trim() !== '') return { name: parseBackendName(text), by: `forced by EADER_BACKEND=${text}` };
  return null;
}
