/**
 * How a cam job runs. `forkedCamRunner` (the app, the host): a pseudo-mask worker per job (the
 * toolkit's `pseudo-worker` entry, a Node child process or, in the app, a utilityProcess), so the
 * network never blocks the main event loop and a crash (out of memory) leaves the app standing.
 * `inProcessCamRunner` (tests, the CLI): the same job in this process.
 */
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
