/** The pseudo-mask worker's loop: one job (cams, or an affinity head), progress reported as it goes, cancel between images or steps, then close. */
import type { FromPseudoWorker, ToPseudoWorker } from '@shared/protocols/pseudo-worker';
import { errorText } from '@shared/envelope';
import type { ParentChannel } from '../processes/serve-parent';
import { runHeadJob } from './affinity-job';
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
    const run =
      message.type === 'train-head'
        ? runHeadJob(message.job, (p) => port.send({ type: 'head-progress', ...p }), () => cancelled).then((result) => port.send({ type: 'head-done', ...result }))
        : runCamJob(message.job, (p) => port.send({ type: 'progress', ...p }), () => cancelled).then((result) => port.send({ type: 'done', ...result, cancelled }));
    run
      .catch((error: unknown) => port.send({ type: 'error', message: errorText(error) }))
      .finally(() => port.close());
  });
  port.send({ type: 'ready', pid: process.pid });
}
