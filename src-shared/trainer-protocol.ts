/**
 * The typed protocol between a parent (the app's main process, the CLI) and a trainer process
 * (Electron utilityProcess or Node child process). Every message is checked against these zod
 * schemas on arrival, on both sides; a malformed one is rejected, never half-applied.
 * Binary payloads (PNG bytes) are Uint8Arrays: both transports use structured clone.
 * The settings a run starts with (`TrainConfig`) are declared in domain/train-config.ts.
 */
import { z } from 'zod';
import { DatasetFormat } from './domain/dataset';
import { LossTerms, SegmenterLossTerms } from './domain/loss-terms';
import { SegmenterConfig } from './domain/segmenter-config';
import { TrainConfig } from './domain/train-config';
import { FinishReason, Validation } from './domain/validation';

export const PROTOCOL_VERSION = 1;

const positiveInt = z.number().int().positive();

// ---------------------------------------------------------------------------------------------
// parent → trainer

export const StartCommand = z
  .object({
    type: z.literal('start'),
    config: TrainConfig,
    /**
     * Where the dataset is opened from (read-only): a dataset folder, or a COCO instances file.
     * The trainer opens it through the one dataset door (src-main/datasets/open-dataset.ts).
     */
    datasetRoot: z.string().min(1),
    /** Skip format detection (the app passes the format it opened the dataset with). */
    datasetFormat: DatasetFormat.optional(),
    /** The run folder; created when missing. */
    runDir: z.string().min(1),
    /** Continue from the newest complete checkpoint in runDir. */
    resume: z.boolean(),
  })
  .strict();
export type StartCommand = z.infer<typeof StartCommand>;

/**
 * Train a segmenter run (docs/segmenter.md): its settings, the dataset, and the label folders it
 * learns from (class-index PNGs named by image id, 255 = ignore). A new run copies the folders
 * into its own `labels/`; a resumed one reads its copies and ignores these.
 */
export const StartSegmenterCommand = z
  .object({
    type: z.literal('start-segmenter'),
    config: SegmenterConfig,
    datasetRoot: z.string().min(1),
    datasetFormat: DatasetFormat.optional(),
    runDir: z.string().min(1),
    resume: z.boolean(),
    labels: z
      .object({
        pseudoDir: z.string().min(1),
        trustedDir: z.string().min(1).nullable(),
        /** The localizer run the pseudo-masks came from, recorded with the run. */
        localizerRunId: z.string().nullable(),
        /** Trusted image ids kept out of training (scored instead). */
        heldOut: z.array(z.string()).max(100_000),
        round: z.number().int().positive().nullable(),
      })
      .strict(),
    /** A localizer run folder whose newest checkpoint's backbone starts the network (a new run only; weights/checkpoint-source.ts). */
    initFrom: z.string().min(1).nullable().optional(),
  })
  .strict();
export type StartSegmenterCommand = z.infer<typeof StartSegmenterCommand>;

export const ParentMessage = z.discriminatedUnion('type', [
  StartCommand,
  StartSegmenterCommand,
  z.object({ type: z.literal('pause') }).strict(),
  z.object({ type: z.literal('resume') }).strict(),
  /** Stop between steps, write a final checkpoint, then report `finished`. */
  z.object({ type: z.literal('stop') }).strict(),
]);
export type ParentMessage = z.infer<typeof ParentMessage>;

// ---------------------------------------------------------------------------------------------
// trainer → parent

/** Which network stepped: the localizer or the adversary (EADER runs), or a segmenter run's network. */
export const TrainingPhase = z.enum(['localizer', 'adversary', 'segmenter']);
export type TrainingPhase = z.infer<typeof TrainingPhase>;

/** Why a run ended cleanly (declared in domain/validation.ts). */
export { FinishReason };

export const ProgressReport = z
  .object({
    type: z.literal('progress'),
    step: z.number().int().nonnegative(),
    totalSteps: positiveInt,
    epoch: z.number().int().nonnegative(),
    epochs: positiveInt,
    phase: TrainingPhase,
    /** A localizer run's terms, or a segmenter run's (phase 'segmenter'). */
    losses: z.union([LossTerms, SegmenterLossTerms]),
    imagesPerSecond: z.number().nonnegative(),
    etaSeconds: z.number().nonnegative().nullable(),
    numTensors: z.number().int().nonnegative(),
    backend: z.string(),
    elapsedSeconds: z.number().nonnegative(),
  })
  .strict();
export type ProgressReport = z.infer<typeof ProgressReport>;

const png = z.instanceof(Uint8Array);

/** One fixed image through one erasure round. Every picture is a small PNG. */
export const SampleReport = z
  .object({
    type: z.literal('sample'),
    step: z.number().int().nonnegative(),
    imageId: z.string(),
    image: png,
    /** One cam per positive class of the image (min-max normalised, greyscale). */
    cams: z.array(z.object({ classIndex: z.number().int().positive(), png })),
    /** The soft erasing mask (union over the image's classes) and the erased image. */
    softMask: png,
    erased: png,
    /** The adversary's sigmoid probability per class (index 0 = first foreground class). */
    adversaryProbs: z.array(z.number()),
  })
  .strict();
export type SampleReport = z.infer<typeof SampleReport>;

/**
 * DIVERGED: a loss or a weight became NaN or infinite (no checkpoint of it is written). LOCKED: another process writes the run.
 * DEVICE_LOST: the GPU device was lost (driver reset, another process); OOM: out of memory (host or GPU).
 */
export const TrainerErrorCode = z.enum(['OOM', 'DEVICE_LOST', 'BAD_CONFIG', 'BAD_DATA', 'DIVERGED', 'LOCKED', 'PROTOCOL', 'INTERNAL']);
export type TrainerErrorCode = z.infer<typeof TrainerErrorCode>;

export const TrainerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), protocol: z.literal(PROTOCOL_VERSION), pid: z.number().int() }).strict(),
  z
    .object({
      type: z.literal('started'),
      runDir: z.string(),
      backend: z.string(),
      startStep: z.number().int().nonnegative(),
      totalSteps: positiveInt,
      trainImages: z.number().int().nonnegative(),
      resumedFrom: z.string().nullable(),
    })
    .strict(),
  ProgressReport,
  SampleReport,
  z
    .object({
      type: z.literal('checkpoint'),
      step: z.number().int().nonnegative(),
      path: z.string(),
      best: z.boolean(),
    })
    .strict(),
  z.object({ type: z.literal('state'), state: z.enum(['running', 'paused', 'stopping']) }).strict(),
  z
    .object({
      type: z.literal('finished'),
      step: z.number().int().nonnegative(),
      reason: FinishReason,
      runDir: z.string(),
      /** The val BCE against the label prior at the end (null: no labelled val split). */
      validation: Validation.nullable(),
    })
    .strict(),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warning']), message: z.string() }).strict(),
  z.object({ type: z.literal('error'), code: TrainerErrorCode, message: z.string(), step: z.number().int().nullable() }).strict(),
]);
export type TrainerMessage = z.infer<typeof TrainerMessage>;

/** A failure names the first issue, and its path (e.g. ['config', 'imageSize']). */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string; path: PropertyKey[] };

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): ParseResult<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, error: `malformed message${where}: ${issue?.message ?? 'invalid'}`, path: issue?.path ?? [] };
}

export const parseParentMessage = (raw: unknown): ParseResult<ParentMessage> => parseWith(ParentMessage, raw);
export const parseTrainerMessage = (raw: unknown): ParseResult<TrainerMessage> => parseWith(TrainerMessage, raw);

/** A GPU/host out-of-memory error, as tfjs-node and wasm word it. */
export function looksLikeOom(message: string): boolean {
  return /out of memory|OOM|ResourceExhausted|Cannot allocate|Array buffer allocation failed|memory access out of bounds/i.test(
    message,
  );
}
