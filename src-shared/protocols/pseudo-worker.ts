/**
 * The protocol between the main side and a pseudo-mask worker (out/main/pseudo-worker.js): one job
 * per worker — a cam job (progress per image) or an affinity-head job (`eader refine`: seeds, then
 * training steps with checkpoints) — cancel between images or steps. Checked on arrival and before
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
        /** SHA-256 of the run's affinity head: the records also carry its embedding (the rw refiner's input). */
        affinityHead: z.string().nullable().optional(),
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

/** One affinity-head job (`eader refine`): train the run's head on its train images' seeds, resuming its last checkpoint. */
export const HeadJob = z
  .object({
    runDir: z.string().min(1),
    checkpointDir: z.string().min(1),
    localizer: z.object({ checkpointStep: z.number().int(), checkpointSha256: z.string() }).strict(),
    datasetRoot: z.string().min(1),
    images: z.array(z.object({ id: z.string(), file: z.string(), labels: z.array(z.number().int().positive()) }).strict()).min(1),
    /** Passes over the images (the run's length without a budget). */
    epochs: z.number().int().positive(),
    /** Minutes for the whole job, the seeds and resumed sessions included (null: none). */
    timeBudgetMinutes: z.number().positive().nullable(),
    /** Longest side of the network input (null: the image's own size). */
    inputMaxSide: z.number().int().positive().nullable(),
    /** A checkpoint every this many steps (and at the end). */
    checkpointEvery: z.number().int().positive(),
    /** Stop (with a checkpoint, as an interruption) after this many steps in this session. */
    stopAfter: z.number().int().positive().optional(),
    backend: z.string().optional(),
  })
  .strict();
export type HeadJob = z.infer<typeof HeadJob>;

export const HeadJobProgress = z
  .object({
    phase: z.enum(['seeds', 'train']),
    /** Images seeded, or steps taken (resumed steps included). */
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    /** The step's loss (train), else null. */
    loss: z.number().nullable(),
    seconds: z.number().nonnegative(),
    /** A line for the log (a time-budget plan), else null. */
    note: z.string().nullable(),
  })
  .strict();
export type HeadJobProgress = z.infer<typeof HeadJobProgress>;

export const HeadJobResult = z
  .object({
    steps: z.number().int().nonnegative(),
    resumedFrom: z.number().int().nonnegative(),
    loss: z.number().nullable(),
    backend: z.string(),
    /** finished: head.json written; stopped: cancelled or stopAfter, resumable from its checkpoint. */
    status: z.enum(['finished', 'stopped']),
    seconds: z.number().nonnegative(),
  })
  .strict();
export type HeadJobResult = z.infer<typeof HeadJobResult>;

/** parent → worker */
export const ToPseudoWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), job: CamJob }).strict(),
  z.object({ type: z.literal('train-head'), job: HeadJob }).strict(),
  /** Stop between images; the worker still answers `done` (cancelled: true). */
  z.object({ type: z.literal('cancel') }).strict(),
]);
export type ToPseudoWorker = z.infer<typeof ToPseudoWorker>;

/** worker → parent */
export const FromPseudoWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }).strict(),
  CamJobProgress.extend({ type: z.literal('progress') }),
  CamJobResult.extend({ type: z.literal('done'), cancelled: z.boolean() }),
  HeadJobProgress.extend({ type: z.literal('head-progress') }),
  HeadJobResult.extend({ type: z.literal('head-done') }),
  /** The job failed as a whole (no such run, bad checkpoint); the worker then exits. */
  z.object({ type: z.literal('error'), message: z.string() }).strict(),
]);
export type FromPseudoWorker = z.infer<typeof FromPseudoWorker>;
