/**
 * The typed protocol between a parent (the app's main process, the CLI) and a trainer process
 * (Electron utilityProcess or Node child process). Every message is checked against these zod
 * schemas on arrival, on both sides; a malformed one is rejected, never half-applied.
 * Binary payloads (PNG bytes) are Uint8Arrays: both transports use structured clone.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

export const OptimizerName = z.enum(['sgd', 'adam', 'rmsprop']);
export type OptimizerName = z.infer<typeof OptimizerName>;

export const BackendChoice = z.enum(['auto', 'webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendChoice = z.infer<typeof BackendChoice>;

const positiveInt = z.number().int().positive();
const finite = z.number().finite();

/** Everything that decides a training run. Saved verbatim in runs/<id>/config.json. */
export const TrainConfig = z
  .object({
    imageSize: positiveInt.max(1024),
    batchSize: positiveInt.max(256),
    epochs: positiveInt.max(10_000),
    /** Stop after this many global steps (on top of epochs), or null. */
    maxSteps: positiveInt.nullable(),
    alpha: finite.nonnegative(),
    beta: finite.nonnegative(),
    omega: finite.positive(),
    sigma: finite.min(0).max(1),
    /** Localizer backbone name, as the engine lists them. */
    backbone: z.string().min(1),
    /** Adversary backbone name, or "shared" (the localizer classifies the erased image). */
    adversary: z.string().min(1),
    camMethod: z.enum(['gradcam', 'cam']),
    optimizer: OptimizerName,
    lr: finite.positive(),
    momentum: finite.min(0).max(1),
    weightDecay: finite.nonnegative(),
    locSteps: positiveInt,
    advSteps: positiveInt,
    cropMinScale: finite.gt(0).max(1),
    backend: BackendChoice,
    seed: z.number().int().nonnegative(),
    /** Split whose images are trained on. */
    trainSplit: z.string().min(1),
    /** Write a checkpoint every this many steps (and at the end of every epoch). */
    checkpointEvery: positiveInt,
    /** Number of most recent checkpoints kept (the best one is kept besides). */
    keepCheckpoints: positiveInt.max(100),
    /** Emit erasure-round samples every this many steps (0 = never). */
    sampleEvery: z.number().int().nonnegative(),
    /** Number of fixed training images shown in samples. */
    sampleImages: z.number().int().nonnegative().max(16),
    /** Decoded training images are cached at this longest side (px); bounds memory. */
    cacheMaxSide: positiveInt.max(4096),
    /**
     * Training threads on the wasm backend: 1, or 2 (data-parallel: this thread and one worker
     * thread, each on half of every batch). Absent: EADER_TRAIN_WORKERS, else 2 when 2 cores exist.
     */
    workers: positiveInt.max(2).optional(),
  })
  .strict();
export type TrainConfig = z.infer<typeof TrainConfig>;

/** The paper's settings (DESIGN.md §1); ResNet-50 stands in for the paper's ResNet-101 (as in the engine). */
export const PAPER_PRESET: TrainConfig = {
  imageSize: 448,
  batchSize: 16,
  epochs: 10,
  maxSteps: null,
  alpha: 0.05,
  beta: 1e-5,
  omega: 100,
  sigma: 0.5,
  backbone: 'resnet50',
  adversary: 'resnet18',
  camMethod: 'gradcam',
  optimizer: 'sgd',
  lr: 0.01,
  momentum: 0.9,
  weightDecay: 1e-4,
  locSteps: 200,
  advSteps: 200,
  cropMinScale: 0.08,
  backend: 'auto',
  seed: 0,
  trainSplit: 'train',
  checkpointEvery: 500,
  keepCheckpoints: 3,
  sampleEvery: 200,
  sampleImages: 4,
  cacheMaxSide: 512,
};

/** Small and fast (the engine's Quick preset): minutes on two CPU cores with wasm; the demo uses it. */
export const QUICK_PRESET: TrainConfig = {
  ...PAPER_PRESET,
  imageSize: 80,
  batchSize: 8,
  epochs: 3,
  backbone: 'tiny',
  adversary: 'tiny',
  optimizer: 'adam',
  lr: 1e-3,
  locSteps: 20,
  advSteps: 20,
  cropMinScale: 0.35,
  checkpointEvery: 50,
  sampleEvery: 25,
  cacheMaxSide: 160,
};

export const PRESETS = { paper: PAPER_PRESET, quick: QUICK_PRESET } as const;
export type PresetName = keyof typeof PRESETS;

// ---------------------------------------------------------------------------------------------
// parent → trainer

export const StartCommand = z
  .object({
    type: z.literal('start'),
    config: TrainConfig,
    /** Absolute path of the dataset root (opened read-only). */
    datasetRoot: z.string().min(1),
    /** The run folder; created when missing. */
    runDir: z.string().min(1),
    /** Continue from the newest complete checkpoint in runDir. */
    resume: z.boolean(),
  })
  .strict();
export type StartCommand = z.infer<typeof StartCommand>;

export const ParentMessage = z.discriminatedUnion('type', [
  StartCommand,
  z.object({ type: z.literal('pause') }).strict(),
  z.object({ type: z.literal('resume') }).strict(),
  /** Stop between steps, write a final checkpoint, then report `finished`. */
  z.object({ type: z.literal('stop') }).strict(),
]);
export type ParentMessage = z.infer<typeof ParentMessage>;

// ---------------------------------------------------------------------------------------------
// trainer → parent

export const TrainingPhase = z.enum(['localizer', 'adversary']);
export type TrainingPhase = z.infer<typeof TrainingPhase>;

export const ProgressReport = z
  .object({
    type: z.literal('progress'),
    step: z.number().int().nonnegative(),
    totalSteps: positiveInt,
    epoch: z.number().int().nonnegative(),
    epochs: positiveInt,
    phase: TrainingPhase,
    /** Each loss term by name (classification, camMean, adversarial, adversary, total…). */
    losses: z.record(z.string(), z.number()),
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

export const TrainerErrorCode = z.enum(['OOM', 'DEVICE_LOST', 'BAD_CONFIG', 'BAD_DATA', 'PROTOCOL', 'INTERNAL']);
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
      reason: z.enum(['completed', 'stopped', 'max-steps']),
      runDir: z.string(),
    })
    .strict(),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warning']), message: z.string() }).strict(),
  z.object({ type: z.literal('error'), code: TrainerErrorCode, message: z.string(), step: z.number().int().nullable() }).strict(),
]);
export type TrainerMessage = z.infer<typeof TrainerMessage>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): ParseResult<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, error: `malformed message${where}: ${issue?.message ?? 'invalid'}` };
}

export const parseParentMessage = (raw: unknown): ParseResult<ParentMessage> => parseWith(ParentMessage, raw);
export const parseTrainerMessage = (raw: unknown): ParseResult<TrainerMessage> => parseWith(TrainerMessage, raw);

/** A GPU/host out-of-memory error, as tfjs-node and wasm word it. */
export function looksLikeOom(message: string): boolean {
  return /out of memory|OOM|ResourceExhausted|Cannot allocate|Array buffer allocation failed|memory access out of bounds/i.test(
    message,
  );
}
