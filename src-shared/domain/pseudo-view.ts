/** What the pseudo-mask panel sees: jobs, cached cams, evaluations, the review queue, acceptance. */
import { z } from 'zod';
import { REFINER_NAMES, type RefinerName as Refiner } from '../pseudo/refiners';
import { Bytes } from './bytes';
import { RunId } from './training-view';

const Id = z.string().min(1).max(512);

/** What decides the cams (a change recomputes them). */
export const PseudoCamSettings = z
  .object({
    checkpoint: z.enum(['best', 'last']).default('best'),
    scales: z.array(z.number().min(0.1).max(4)).min(1).max(8).default([1, 0.75, 1.25]),
    flip: z.boolean().default(true),
    labels: z.enum(['gt', 'predicted']).default('gt'),
    /** With labels = predicted: the probability above which a class is present. */
    labelThreshold: z.number().min(0).max(1).default(0.5),
  })
  .strict();
export type PseudoCamSettings = z.infer<typeof PseudoCamSettings>;

/** A refiner by name (src-shared/pseudo/refiners.ts); `true`/`false` (before refiners had names) read as bilateral/none. */
export const RefinerName = z.union([z.enum(REFINER_NAMES), z.boolean().transform((on): Refiner => (on ? 'bilateral' : 'none'))]);

/** 255 where the best cam lies in [low, high): pixels too uncertain to train on. */
export const IgnoreBand = z
  .object({ low: z.number().min(0).max(1), high: z.number().min(0).max(1) })
  .strict()
  .refine((b) => b.low < b.high, { message: 'the ignore band needs low < high' });

/** What turns cams into a mask (a change re-renders from the cache, no network). */
export const PseudoRenderSettings = z
  .object({
    threshold: z.number().min(0).max(1).default(0.3),
    refine: RefinerName.default('none'),
    keepLargest: z.boolean().default(false),
    ignoreBand: IgnoreBand.nullable().default(null),
  })
  .strict();
export type PseudoRenderSettings = z.infer<typeof PseudoRenderSettings>;

export const PseudoGenerateInput = z
  .object({
    runId: RunId,
    /** A split of the open dataset, or explicit image ids (one of the two). */
    split: z.string().min(1).max(64).optional(),
    ids: z.array(Id).min(1).max(100_000).optional(),
    cam: PseudoCamSettings.default(PseudoCamSettings.parse({})),
  })
  .strict()
  .refine((v) => (v.split === undefined) !== (v.ids === undefined), { message: 'give either a split or a list of image ids' });
export type PseudoGenerateInput = z.input<typeof PseudoGenerateInput>;

export const PseudoJobState = z.object({
  jobId: z.number().int(),
  runId: z.string(),
  status: z.enum(['running', 'finished', 'failed', 'cancelled']),
  /** Images done (computed now or found in the cache) of total. */
  done: z.number().int(),
  total: z.number().int(),
  /** Images that were already in the cache. */
  cached: z.number().int(),
  failed: z.array(z.object({ imageId: z.string(), message: z.string() })),
  imageId: z.string().nullable(),
  message: z.string().nullable(),
  seconds: z.number(),
});
export type PseudoJobState = z.infer<typeof PseudoJobState>;

/** One image's cached cams (see src-shared/pseudo/cam-grid.ts for the layout). */
export const PseudoCams = z.object({
  id: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  imageWidth: z.number().int(),
  imageHeight: z.number().int(),
  classes: z.array(z.number().int()),
  probs: z.array(z.number().nullable()),
  cams: Bytes,
  guide: Bytes,
  /** A segmenter run's prediction: the background probability plane (then `cams` are the classes' probabilities); null for cams. */
  background: Bytes.nullable().default(null),
  /** The affinity head's embedding at the walk grid (the rw refiner's input): `data` holds width·height·dim float32, little-endian. */
  embedding: z.object({ width: z.number().int(), height: z.number().int(), dim: z.number().int(), data: Bytes }).nullable().optional(),
});
export type PseudoCams = z.infer<typeof PseudoCams>;

/** Train a run's affinity head (`eader refine` in the app): on the open dataset's train split. */
export const HeadTrainInput = z
  .object({
    runId: RunId,
    split: z.string().min(1).max(64).default('train'),
    /** Minutes for the whole job, the seeds and resumed sessions included; null: the epochs decide. */
    timeBudgetMinutes: z.number().positive().max(24 * 60).nullable().default(null),
    epochs: z.number().int().positive().max(1000).default(5),
  })
  .strict();
export type HeadTrainInput = z.input<typeof HeadTrainInput>;

/** The affinity-head job: seeds, then training steps (resumed steps included). */
export const HeadJobState = z.object({
  jobId: z.number().int(),
  runId: z.string(),
  status: z.enum(['running', 'finished', 'stopped', 'failed']),
  phase: z.enum(['seeds', 'train']),
  done: z.number().int(),
  total: z.number().int(),
  loss: z.number().nullable(),
  message: z.string().nullable(),
  seconds: z.number(),
});
export type HeadJobState = z.infer<typeof HeadJobState>;

export const PseudoCacheInfo = z.object({
  runId: z.string(),
  /** What the cache holds: a localizer run's cams, or a segmenter run's predictions. */
  source: z.enum(['cams', 'predictions']).default('cams'),
  hash: z.string(),
  checkpointStep: z.number().int(),
  cam: PseudoCamSettings.omit({ checkpoint: true }),
  ids: z.array(z.string()),
  /** The cams carry the run's affinity head's embedding: the rw refiner can run on them. */
  affinityHead: z.boolean().default(false),
  /** The run has a trained head for this checkpoint (generate again if `affinityHead` is false). */
  headTrained: z.boolean().default(false),
});
export type PseudoCacheInfo = z.infer<typeof PseudoCacheInfo>;

export const PseudoScopeInput = z
  .object({
    runId: RunId,
    settings: PseudoRenderSettings.default(PseudoRenderSettings.parse({})),
    /** Restrict to these cached images, or to the cached images of a split; default every cached image. */
    ids: z.array(Id).max(100_000).optional(),
    split: z.string().min(1).max(64).optional(),
  })
  .strict();
export type PseudoScopeInput = z.input<typeof PseudoScopeInput>;

export const PseudoClassScore = z.object({
  classIndex: z.number().int(),
  name: z.string(),
  iou: z.number().nullable(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
  support: z.number(),
});

export const PseudoEvalResult = z.object({
  runId: z.string(),
  checkpointStep: z.number().int(),
  split: z.string().nullable(),
  settings: PseudoRenderSettings,
  images: z.number().int(),
  /** Cached images without ground truth (not scored). */
  withoutGt: z.number().int(),
  miou: z.number().nullable(),
  pixelAccuracy: z.number().nullable(),
  perClass: z.array(PseudoClassScore),
  classes: z.array(z.string()),
  /** Row-major counts[gt * n + pred]. */
  confusion: z.array(z.number()),
  /** mIoU against the threshold, from the cache, with the refiner when its cams do not depend on the threshold (none, par); a bilateral refinement is left out of the sweep. */
  sweep: z.array(z.object({ threshold: z.number(), miou: z.number().nullable() })),
  /** The refiner the sweep applied (none when the chosen one depends on the threshold). */
  sweepRefine: RefinerName.default('none'),
  /** The sweep's best threshold against the ground truth (bestThreshold), shown on the sweep plot; null without a score. */
  bestThreshold: z.object({ threshold: z.number(), miou: z.number() }).nullable().default(null),
  /** Where it was stored (relative to the run folder), or null. */
  file: z.string().nullable(),
  seconds: z.number(),
});
export type PseudoEvalResult = z.infer<typeof PseudoEvalResult>;

/**
 * The background threshold chosen by the sweep: the one with the highest mIoU against the ground
 * truth (the first of equals). "Threshold matters" (AMN, CVPR'22): it is the most sensitive knob.
 */
export function bestThreshold(sweep: readonly { threshold: number; miou: number | null }[]): { threshold: number; miou: number } | null {
  let best: { threshold: number; miou: number } | null = null;
  for (const { threshold, miou } of sweep) if (miou !== null && Number.isFinite(miou) && (best === null || miou > best.miou)) best = { threshold, miou };
  return best;
}

export const QueueSignalName = z.enum(['instability', 'entropy', 'margin', 'area', 'confidence']);
export const PseudoQueueItem = z.object({
  id: z.string(),
  /** Higher = more likely wrong; the queue is sorted by it, worst first. */
  score: z.number(),
  signals: z.record(QueueSignalName, z.number()),
  /** The true per-image IoU where the image has ground truth (for checking the queue). */
  iou: z.number().nullable(),
});
export const PseudoQueue = z.object({ signal: QueueSignalName, items: z.array(PseudoQueueItem), spearman: z.number().nullable() });
export type PseudoQueue = z.infer<typeof PseudoQueue>;
export type PseudoQueueItem = z.infer<typeof PseudoQueueItem>;

export const PseudoAcceptInput = PseudoScopeInput.extend({
  /** Accept only images whose queue score is at most this (lower = more trustworthy). */
  maxScore: z.number().optional(),
}).strict();
export type PseudoAcceptInput = z.input<typeof PseudoAcceptInput>;

export const PseudoAcceptResult = z.object({
  accepted: z.array(z.object({ id: z.string(), revision: z.number().int() })),
  skipped: z.number().int(),
});
export type PseudoAcceptResult = z.infer<typeof PseudoAcceptResult>;
