/**
 * How many training threads (replicas) to use: 2 (data-parallel over this thread and one worker
 * thread) only on the wasm backend, with at least 2 cores and 2 images per batch. A configured
 * count (TrainConfig.workers) wins, then EADER_TRAIN_WORKERS, then that automatic choice.
 * Other backends are multi-threaded already (tfjs-node) or too slow to matter (cpu).
 */
import { availableParallelism } from 'node:os';

export interface ReplicaChoice {
  count: 1 | 2;
  reason: string;
}

export function trainReplicas(opts: { configured?: number; env?: NodeJS.ProcessEnv; backend: string; batchSize: number; cores?: number }): ReplicaChoice {
  const envText = (opts.env ?? process.env).EADER_TRAIN_WORKERS?.trim();
  let wanted: number | null = opts.configured ?? null;
  let source = 'config workers';
  if (wanted === null && envText) {
    wanted = Number(envText);
    source = `EADER_TRAIN_WORKERS=${envText}`;
    if (!Number.isInteger(wanted) || wanted < 1) throw new Error(`EADER_TRAIN_WORKERS must be a positive integer, got "${envText}"`);
  }
  if (wanted === 1) return { count: 1, reason: `one thread (${source})` };
  if (opts.backend !== 'wasm') return { count: 1, reason: `one thread (data parallelism is for the wasm backend; this is ${opts.backend})` };
  if (opts.batchSize < 2) return { count: 1, reason: 'one thread (batch of 1)' };
  if (wanted === null) {
    const cores = opts.cores ?? availableParallelism();
    if (cores < 2) return { count: 1, reason: 'one thread (one core)' };
    return { count: 2, reason: `two wasm replicas, data-parallel (${cores} cores)` };
  }
  return { count: 2, reason: `two wasm replicas, data-parallel (${source}${wanted > 2 ? '; more than 2 is not supported' : ''})` };
}
