/** The pseudo worker's loop: one cam job at a time, progress reported per image, cancel between images. */
import { z } from 'zod';
import { CamJob, runCamJob } from './cam-job';

export const ParentToWorker = z.discriminatedUnion('type', [z.object({ type: z.literal('run'), job: CamJob }), z.object({ type: z.literal('cancel') })]);
export type ParentToWorker = z.infer<typeof ParentToWorker>;

export type WorkerToParent =
  | { type: 'ready'; pid: number }
  | { type: 'progress'; done: number; total: number; imageId: string; seconds: number }
  | { type: 'done'; done: number; backend: string; failed: { imageId: string; message: string }[]; cancelled: boolean }
  | { type: 'error'; message: string };

export function serveWorker(): void {
  const send = (message: WorkerToParent): void => {
    process.send?.(message);
  };
  let cancelled = false;
  let busy = false;
  process.on('disconnect', () => process.exit(0)); // orphaned: the parent is gone
  process.on('message', (raw: unknown) => {
    const parsed = ParentToWorker.safeParse(raw);
    if (!parsed.success) return send({ type: 'error', message: `bad message: ${parsed.error.issues[0]?.message ?? ''}` });
    if (parsed.data.type === 'cancel') {
      cancelled = true;
      return;
    }
    if (busy) return send({ type: 'error', message: 'a job is already running' });
    busy = true;
    runCamJob(parsed.data.job, (p) => send({ type: 'progress', ...p }), () => cancelled)
      .then((result) => send({ type: 'done', ...result, cancelled }))
      .catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }))
      .finally(() => process.disconnect?.());
  });
  send({ type: 'ready', pid: process.pid });
}
