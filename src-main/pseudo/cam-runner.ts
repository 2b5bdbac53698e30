/**
 * How a cam job runs. `forkedCamRunner` (the app, the host): a pseudo-mask worker per job (the
 * toolkit's `pseudo-worker` entry, a Node child process or, in the app, a utilityProcess), so the
 * network never blocks the main event loop and a crash (out of memory) leaves the app standing.
 * `inProcessCamRunner` (tests, the CLI): the same job in this process. `shardedCamRunner` spreads
 * one job over several such workers (the app: one per core, up to 4).
 */
import { availableParallelism } from 'node:os';
import { FromPseudoWorker, ToPseudoWorker } from '@shared/protocols/pseudo-worker';
import { errorText } from '@shared/envelope';
import { describeExit } from '../processes/channel';
import { FORK, spawnChild, type ProcessKind } from '../processes/spawn';
import { runCamJob, type CamJob, type CamJobProgress, type CamJobResult } from './cam-job';

export interface CamRunResult extends CamJobResult {
  cancelled: boolean;
}

export type CamRunner = (job: CamJob, onProgress: (p: CamJobProgress) => void, signal: AbortSignal) => Promise<CamRunResult>;

export const inProcessCamRunner: CamRunner = async (job, onProgress, signal) => {
  const result = await runCamJob(job, onProgress, () => signal.aborted);
  return { ...result, cancelled: signal.aborted };
};

export interface ChildCamRunnerOptions {
  kind?: ProcessKind;
  env?: NodeJS.ProcessEnv;
}

/** A worker per job; it resolves on the worker's `done` and rejects on its error, a refused message or an exit without `done`. */
export function forkedCamRunner({ kind = FORK, env = process.env }: ChildCamRunnerOptions = {}): CamRunner {
  return (job, onProgress, signal) =>
    new Promise<CamRunResult>((resolve, reject) => {
      const child = spawnChild({ entry: 'pseudo-worker', ...kind, toChild: ToPseudoWorker, fromChild: FromPseudoWorker, env });
      let settled = false;
      let failure: string | null = null;
      const onAbort = (): void => child.send({ type: 'cancel' });
      signal.addEventListener('abort', onAbort, { once: true });
      const finish = (action: () => void): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        action();
      };
      const fail = (message: string): void => {
        failure ??= message;
        child.kill();
      };
      child.on((message) => {
        switch (message.type) {
          case 'ready':
            try {
              child.send({ type: 'run', job });
            } catch (error) {
              fail(errorText(error)); // a job the protocol refuses is never sent
              return;
            }
            if (signal.aborted) onAbort();
            return;
          case 'progress':
            onProgress({ done: message.done, total: message.total, imageId: message.imageId, seconds: message.seconds });
            return;
          case 'done':
            finish(() => resolve({ done: message.done, backend: message.backend, failed: message.failed, cancelled: message.cancelled }));
            return;
          case 'error':
            failure ??= message.message;
            return;
          default:
            fail(`the pseudo-mask worker answered a cam job with "${message.type}"`);
        }
      });
      child.onRejected((error) => fail(error.message));
      void child.exit.then((exit) => finish(() => reject(new Error(failure ?? `${describeExit(child.title, exit)} before finishing.`))));
    });
}

/** Workers a cam job may take: the cores, up to 4 (each holds its own network). */
export const camWorkers = (): number => Math.max(1, Math.min(availableParallelism(), 4));

/** Backends that run one thread per process (wasm, cpu): a job over several workers uses several cores. */
const SINGLE_THREADED = new Set(['wasm', 'cpu']);

/**
 * One job over up to `parts` runs of `base` at once, each a contiguous share of its images (at
 * least `minPerShard` of them). wasm and cpu compute on one thread per process, so on an n-core
 * machine a pseudo-mask job, a round's predictions included, goes about n× faster over n workers
 * (bench/self-training.md). A job for another backend (a GPU one, named) stays in one worker. The
 * shards write different files of the one cache folder, as `eader cams --shard` does. Progress is
 * the shards' sum; a shard's failure cancels the others, and the job rejects with it once all have
 * ended.
 */
export function shardedCamRunner(base: CamRunner, parts: number, minPerShard = 16): CamRunner {
  return async (job, onProgress, signal) => {
    const n = job.backend && !SINGLE_THREADED.has(job.backend) ? 1 : Math.max(1, Math.min(parts, Math.floor(job.images.length / minPerShard)));
    if (n === 1) return base(job, onProgress, signal);
    const size = Math.ceil(job.images.length / n);
    const shards = Array.from({ length: n }, (_, i) => job.images.slice(i * size, (i + 1) * size)).filter((images) => images.length > 0);
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const done = shards.map(() => 0);
    try {
      const settled = await Promise.allSettled(
        shards.map((images, i) =>
          base({ ...job, images }, (p) => {
            done[i] = p.done;
            onProgress({ ...p, done: done.reduce((a, b) => a + b, 0), total: job.images.length });
          }, stop.signal).catch((error: unknown) => {
            stop.abort(); // the others stop at their next image
            throw error;
          }),
        ),
      );
      const failure = settled.find((s) => s.status === 'rejected');
      if (failure) throw failure.reason;
      const results = settled.map((s) => (s as PromiseFulfilledResult<CamRunResult>).value);
      return { done: results.reduce((a, r) => a + r.done, 0), backend: results[0]!.backend, failed: results.flatMap((r) => r.failed), cancelled: results.some((r) => r.cancelled) };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
}
