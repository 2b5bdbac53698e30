/**
 * The protocol between the main side and a pseudo-mask worker (out/main/pseudo-worker.js): one cam
 * job per worker, progress per image, cancel between images. Checked on arrival and before
 * sending, on both sides (src-main/processes); a malformed message is refused whole.
 */
import { z } from 'zod';

/** One cam job: a run's checkpoint, the cache key that decides the cams, and the images to compute. */
export const CamJob = z
  .object({
    runDir: z.string().min(1),
    checkpointDir: z.string().min(1),
    key: z
      .object({
        runId: z.string(),
        checkpointStep: z.number().int(),
        checkpointSha256: z.string(),
        scales: z.array(z.number().positive()).min(1),
        flip: z.boolean(),
        labels: z.enum(['gt', 'predicted']),
        labelThreshold: z.number(),
        gridSide: z.number().int().positive(),
        inputMaxSide: z.number().int().positive().nullable(),
      })
      .strict(),
    datasetRoot: z.string().min(1),
    images: z.array(z.object({ id: z.string(), file: z.string(), labels: z.array(z.number().int().positive()) }).strict()),
    backend: z.string().optional(),
  })
  .strict();
export type CamJob = z.infer<typeof CamJob>;

export const CamJobProgress = z
  .object({
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    imageId: z.string(),
    /** Seconds spent on this image (decode + network). */
    seconds: z.number().nonnegative(),
  })
  .strict();
export type CamJobProgress = z.infer<typeof CamJobProgress>;

export const CamJobResult = z
  .object({
    done: z.number().int().nonnegative(),
    backend: z.string(),
    failed: z.array(z.object({ imageId: z.string(), message: z.string() }).strict()),
  })
  .strict();
export type CamJobResult = z.infer<typeof CamJobResult>;

/** parent → worker */
export const ToPseudoWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), job: CamJob }).strict(),
  /** Stop between images; the worker still answers `done` (cancelled: true). */
  z.object({ type: z.literal('cancel') }).strict(),
]);
export type ToPseudoWorker = z.infer<typeof ToPseudoWorker>;

/** worker → parent */
export const FromPseudoWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }).strict(),
  CamJobProgress.extend({ type: z.literal('progress') }),
  CamJobResult.extend({ type: z.literal('done'), cancelled: z.boolean() }),
  /** The job failed as a whole (no such run, bad checkpoint); the worker then exits. */
  z.object({ type: z.literal('error'), message: z.string() }).strict(),
]);
export type FromPseudoWorker = z.infer<typeof FromPseudoWorker>;
