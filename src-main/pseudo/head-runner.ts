/**
 * How an affinity-head job runs (`eader refine`, the app's "Train affinity head"), as cam-runner.ts
 * runs cam jobs: `forkedHeadRunner` starts the toolkit's `pseudo-worker` entry per job (a Node child
 * or, in the app, a utilityProcess), so training never blocks the main event loop and a crash leaves
 * the caller standing; `inProcessHeadRunner` (tests) runs the same job here.
 */
import { FromPseudoWorker, ToPseudoWorker } from '@shared/protocols/pseudo-worker';
import { errorText } from '@shared/envelope';
import { describeExit } from '../processes/channel';
import { FORK, spawnChild } from '../processes/spawn';
import { runHeadJob, type HeadJob, type HeadJobProgress, type HeadJobResult } from './affinity-job';
import type { ChildCamRunnerOptions } from './cam-runner';

export type HeadRunner = (job: HeadJob, onProgress: (p: HeadJobProgress) => void, signal: AbortSignal) => Promise<HeadJobResult>;

export const inProcessHeadRunner: HeadRunner = (job, onProgress, signal) => runHeadJob(job, onProgress, () => signal.aborted);

/** A worker per job; resolves on `head-done`, rejects on its error, a refused message or an exit without `head-done`. */
export function forkedHeadRunner({ kind = FORK, env = process.env }: ChildCamRunnerOptions = {}): HeadRunner {
  return (job, onProgress, signal) =>
    new Promise<HeadJobResult>((resolve, reject) => {
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
        if (message.type === 'ready') {
          try {
            child.send({ type: 'train-head', job });
          } catch (error) {
            fail(errorText(error)); // a job the protocol refuses is never sent
            return;
          }
          if (signal.aborted) onAbort();
        } else if (message.type === 'head-progress') {
          const { type: _type, ...progress } = message;
          onProgress(progress);
        } else if (message.type === 'head-done') {
          const { type: _type, ...result } = message;
          finish(() => resolve(result));
        } else if (message.type === 'error') {
          failure ??= message.message;
        } else {
          fail(`the pseudo-mask worker answered a head job with "${message.type}"`);
        }
      });
      child.onRejected((error) => fail(error.message));
      void child.exit.then((exit) => finish(() => reject(new Error(failure ?? `${describeExit(child.title, exit)} before finishing.`))));
    });
}
