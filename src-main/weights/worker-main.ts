/**
 * The weights worker's loop: one task (a release download, or an import of a file), progress at
 * most every PROGRESS_MS, then `done` with the new store entry or `error`, then close.
 */
import type { FromWeightsWorker, ToWeightsWorker, WeightsTask } from '@shared/protocols/weights-worker';
import type { WeightsDownloadProgress, WeightsEntry } from '@shared/domain/weights';
import { errorText } from '@shared/envelope';
import { initBackend } from '../engine/backend';
import type { ParentChannel } from '../processes/serve-parent';
import { downloadRelease } from './download';
import { importWeights } from './import';
import { WeightsStore } from './store';

/** Progress messages are sent at most this often (the last one always). */
export const PROGRESS_MS = 100;

async function runTask(task: WeightsTask, store: WeightsStore, port: ParentChannel<ToWeightsWorker, FromWeightsWorker>): Promise<WeightsEntry> {
  await initBackend(); // EADER_BACKEND forces one; the import loads the weights into the engine's network: a real check
  if (task.kind === 'import') {
    port.send({ type: 'phase', phase: 'import' });
    return importWeights(task.file, store, { name: task.name });
  }
  // Throttled, with a trailing send: a transfer that stalls still shows the bytes that arrived.
  let last = 0;
  let pending: WeightsDownloadProgress | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending) port.send({ type: 'progress', progress: pending });
    pending = null;
    last = Date.now();
  };
  const onProgress = (progress: WeightsDownloadProgress): void => {
    pending = progress;
    const wait = PROGRESS_MS - (Date.now() - last);
    if (wait <= 0 || (progress.total !== null && progress.received >= progress.total)) flush();
    else timer ??= setTimeout(flush, wait);
  };
  const onPhase = (phase: 'verify' | 'import'): void => {
    flush();
    port.send({ type: 'phase', phase });
  };
  try {
    return await downloadRelease(task.release, store, { name: task.name, onProgress, onPhase });
  } finally {
    flush();
  }
}

export function serveWeightsTask(port: ParentChannel<ToWeightsWorker, FromWeightsWorker>): void {
  let busy = false;
  // A command that fails the protocol ends the task: the parent hears why, and the worker goes.
  port.onRejected((error) => {
    port.send({ type: 'error', message: error.message });
    port.close();
  });
  port.on((message) => {
    if (busy) return port.send({ type: 'error', message: 'a task is already running' });
    busy = true;
    runTask(message.task, new WeightsStore(message.root), port)
      .then((entry) => port.send({ type: 'done', entry }))
      .catch((error: unknown) => port.send({ type: 'error', message: errorText(error) }))
      .finally(() => port.close());
  });
  port.send({ type: 'ready', pid: process.pid });
}
