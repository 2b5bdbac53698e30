/**
 * One cam job: load a run's checkpoint, compute the cams (a segmenter run: the predictions) of a
 * list of images and write them to the run's cam cache. Runs in the pseudo-mask worker (worker-entry.ts) in the app, or in-process
 * (tests, the CLI). Plain data in and out, so the job crosses a process boundary as a message.
 */
import type { CamJob, CamJobProgress, CamJobResult } from '@shared/protocols/pseudo-worker';
import { readImage } from '../datasets/load';
import { initBackend, isGpuFault } from '../engine/backend';
import { CamCache, type CamCacheKey } from './cam-cache';
import { loadMaskSource } from './mask-source';
import { errorText } from '@shared/envelope';

// The job and its reports are the pseudo-worker protocol's (src-shared/protocols/pseudo-worker.ts).
export { CamJob, type CamJobProgress, type CamJobResult } from '@shared/protocols/pseudo-worker';

export async function runCamJob(job: CamJob, onProgress: (p: CamJobProgress) => void, isCancelled: () => boolean = () => false): Promise<CamJobResult> {
  const key: CamCacheKey = job.key;
  const backend = await initBackend(job.backend ? { force: job.backend } : {});
  const source = await loadMaskSource(job.runDir, job.checkpointDir, key); // cams (with the head's embedding when the key names one), or a segmenter's predictions
  const cache = new CamCache(job.runDir, key);
  const failed: CamJobResult['failed'] = [];
  let done = 0;
  try {
    for (const image of job.images) {
      if (isCancelled()) break;
      const started = performance.now();
      try {
        const rgb = await readImage(job.datasetRoot, image);
        await cache.write(image.id, await source.compute(rgb, image.labels, key));
      } catch (error) {
        if (isGpuFault(error)) throw error; // the device is gone for every image: end the job
        failed.push({ imageId: image.id, message: errorText(error) });
      }
      done += 1;
      onProgress({ done, total: job.images.length, imageId: image.id, seconds: (performance.now() - started) / 1000 });
      await new Promise<void>((resolve) => setImmediate(resolve)); // let messages (cancel) in
    }
  } finally {
    source.dispose();
  }
  return { done, backend: backend.name, failed };
}
