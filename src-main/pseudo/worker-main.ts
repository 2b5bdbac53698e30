/** The pseudo-mask worker's loop: one cam job, progress reported per image, cancel between images, then close. */
import type { FromPseudoWorker, ToPseudoWorker } from '@shared/protocols/pseudo-worker';
import { errorText } from '@shared/envelope';
import type { ParentChannel } from '../processes/serve-parent';
import { runCamJob } from './cam-job';

export function serveCamJobs(port: ParentChannel<ToPseudoWorker, FromPseudoWorker>): void {
  let cancelled = false;
  let busy = false;
  // A command that fails the protocol ends the job: the parent hears why, and the worker goes.
  port.onRejected((error) => {
    port.send({ type: 'error', message: error.message });
    port.close();
  });
  port.on((message) => {
    if (message.type === 'cancel') {
      cancelled = true;
      return;
    }
    if (busy) return port.send({ type: 'error', message: 'a job is already running' });
    busy = true;
    runCamJob(message.job, (p) => port.send({ type: 'progress', ...p }), () => cancelled)
      .then((result) => port.send({ type: 'done', ...result, cancelled }))
      .catch((error: unknown) => port.send({ type: 'error', message: errorText(error) }))
      .finally(() => port.close());
  });
  port.send({ type: 'ready', pid: process.pid });
}
