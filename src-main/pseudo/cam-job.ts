/**
 * One cam job: load a run's checkpoint, compute the cams of a list of images and write them to the
 * run's cam cache. Runs in the pseudo worker process (worker-entry.ts) in the app, or in-process
 * (tests, the CLI). Plain data in and out, so the job crosses a process boundary as a message.
 */
import { z } from 'zod';
import { initBackend, isGpuFault } from '../engine/backend';
import { EaderModel } from '../engine';
import { decodeImage } from '../datasets/image-io';
import { resolveInside } from '../fs/confine';
import { readCheckpoint } from '../runs/checkpoints';
import { readRunRecord } from '../runs/run-store';
import { engineConfig } from '../trainer/engine-adapter';
import { CamCache, type CamCacheKey } from './cam-cache';
import { computeImageCams } from './cam-compute';

export const CamJob = z.object({
  runDir: z.string(),
  checkpointDir: z.string(),
  key: z.object({
    runId: z.string(),
    checkpointStep: z.number().int(),
    checkpointSha256: z.string(),
    scales: z.array(z.number().positive()).min(1),
    flip: z.boolean(),
    labels: z.enum(['gt', 'predicted']),
    labelThreshold: z.number(),
    gridSide: z.number().int().positive(),
    inputMaxSide: z.number().int().positive().nullable(),
  }),
  datasetRoot: z.string(),
  images: z.array(z.object({ id: z.string(), file: z.string(), labels: z.array(z.number().int().positive()) })),
  backend: z.string().optional(),
});
export type CamJob = z.infer<typeof CamJob>;

export interface CamJobProgress {
  done: number;
  total: number;
  imageId: string;
  /** Seconds spent on this image (decode + network). */
  seconds: number;
}

export interface CamJobResult {
  done: number;
  backend: string;
  failed: { imageId: string; message: string }[];
}

export async function runCamJob(job: CamJob, onProgress: (p: CamJobProgress) => void, isCancelled: () => boolean = () => false): Promise<CamJobResult> {
  const key: CamCacheKey = job.key;
  const record = await readRunRecord(job.runDir);
  const backend = await initBackend(job.backend ? { force: job.backend } : {});
  const state = await readCheckpoint(job.checkpointDir);
  const model = await EaderModel.create(engineConfig(record.config, record.dataset.classes.length - 1));
  const cache = new CamCache(job.runDir, key);
  const failed: CamJobResult['failed'] = [];
  let done = 0;
  try {
    model.setState({ step: state.step, tensors: state.tensors, extra: state.extra ?? {} });
    for (const image of job.images) {
      if (isCancelled()) break;
      const started = performance.now();
      try {
        const rgb = await decodeImage(resolveInside(job.datasetRoot, image.file));
        await cache.write(image.id, await computeImageCams(model, rgb, image.labels, key));
      } catch (error) {
        if (isGpuFault(error)) throw error; // the device is gone for every image: end the job
        failed.push({ imageId: image.id, message: error instanceof Error ? error.message : String(error) });
      }
      done += 1;
      onProgress({ done, total: job.images.length, imageId: image.id, seconds: (performance.now() - started) / 1000 });
      await new Promise<void>((resolve) => setImmediate(resolve)); // let messages (cancel) in
    }
  } finally {
    model.dispose();
  }
  return { done, backend: backend.name, failed };
}
