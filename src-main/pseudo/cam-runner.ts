/**
 * How a cam job runs. `forkedCamRunner` (the app, the host): a child process per job, so the
 * network never blocks the main event loop and a crash (out of memory) leaves the app standing.
 * `inProcessCamRunner` (tests, the CLI): the same job in this process.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRoot } from '../platform/paths';
import { runCamJob, type CamJob, type CamJobProgress, type CamJobResult } from './cam-job';
import type { ParentToWorker, WorkerToParent } from './worker-main';

export interface CamRunResult extends CamJobResult {
  cancelled: boolean;
}

export type CamRunner = (job: CamJob, onProgress: (p: CamJobProgress) => void, signal: AbortSignal) => Promise<CamRunResult>;

export const inProcessCamRunner: CamRunner = async (job, onProgress, signal) => {
  const result = await runCamJob(job, onProgress, () => signal.aborted);
  return { ...result, cancelled: signal.aborted };
};

export function forkedCamRunner(env: NodeJS.ProcessEnv = process.env): CamRunner {
  return async (job, onProgress, signal) => {
    const { WORKER_ENTRY_URL } = await import('./worker-entry');
    const entry = fileURLToPath(WORKER_ENTRY_URL);
    const fromSources = entry.endsWith('.ts');
    const childEnv: NodeJS.ProcessEnv = { ...env, EADER_PSEUDO_WORKER: '1', ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) };
    if (fromSources) childEnv.TSX_TSCONFIG_PATH = join(appRoot(), 'tsconfig.base.json');
    const child = fork(entry, [], {
      cwd: appRoot(),
      env: childEnv,
      execArgv: fromSources ? ['--import', 'tsx'] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise<CamRunResult>((resolve, reject) => {
      let settled = false;
      let lastError: string | null = null;
      const send = (message: ParentToWorker): void => {
        if (child.connected) child.send(message);
      };
      const onAbort = (): void => send({ type: 'cancel' });
      signal.addEventListener('abort', onAbort, { once: true });
      const finish = (action: () => void): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        action();
      };
      child.on('message', (raw: WorkerToParent) => {
        if (raw.type === 'ready') send({ type: 'run', job });
        else if (raw.type === 'progress') onProgress(raw);
        else if (raw.type === 'done') finish(() => resolve({ done: raw.done, backend: raw.backend, failed: raw.failed, cancelled: raw.cancelled }));
        else if (raw.type === 'error') lastError = raw.message;
      });
      child.on('error', (error) => finish(() => reject(error)));
      child.on('exit', (code, sig) =>
        finish(() => reject(new Error(lastError ?? `The pseudo-mask worker ended without finishing (exit ${code ?? 'none'}${sig ? `, ${sig}` : ''}).`))),
      );
    });
  };
}
