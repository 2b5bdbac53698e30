/**
 * What a segmenter run records about its training labels, and what the Masks area's rounds show.
 * Pure TypeScript (main side and renderer share it). docs/segmenter.md.
 */
import { z } from 'zod';
import { REFINER_NAMES } from '../pseudo/refiners';

/**
 * A segmenter run's training labels. Both sets are copied into the run folder when it is created
 * (`labels/pseudo/<id>.png`, `labels/trusted/<id>.png`), so the run resumes and can be compared
 * with later rounds whatever happens to the masks it came from.
 */
export const SegmenterLabels = z
  .object({
    pseudo: z.object({
      /** Where the pseudo-masks came from (a folder of class-index PNGs, or the localizer run's cam cache). */
      source: z.string(),
      /** The localizer run they were made from, when known. */
      localizerRunId: z.string().nullable(),
      images: z.number().int().nonnegative(),
    }),
    trusted: z.object({
      /** Where the trusted masks came from (a folder, or the project); null: none. */
      source: z.string().nullable(),
      images: z.number().int().nonnegative(),
    }),
    /** Trusted images kept out of training to score the run when the dataset has no ground truth. */
    heldOut: z.array(z.string()),
    /** The round of the Masks area's loop this run is (1, 2, …); null for a run made otherwise. */
    round: z.number().int().positive().nullable(),
  })
  .strict();
export type SegmenterLabels = z.infer<typeof SegmenterLabels>;

/**
 * One click in the Masks area: the next round of the loop — pseudo-masks of the training split from
 * the localizer run (with an ignore band), the project's trusted masks, a segmenter trained on both
 * within a time budget, its predictions for the training and evaluation splits, scored and ranked.
 */
export const RoundSettings = z
  .object({
    /** Minutes of segmenter training. */
    budgetMinutes: z.number().gt(0).max(600).default(2),
    /** The segmenter's preset (its settings table's; the budget overrides its time budget). */
    preset: z.enum(['deeplab', 'quick']).default('quick'),
    /** The pseudo-masks' ignore band (255 where the best cam lies in it); null: none. */
    ignoreBand: z
      .object({ low: z.number().min(0).max(1), high: z.number().min(0).max(1) })
      .strict()
      .refine((b) => b.low < b.high, { message: 'the ignore band needs low < high' })
      .nullable()
      .default({ low: 0.05, high: 0.3 }),
    /**
     * The refiner of the round's masks: the localizer's pseudo-masks (the training labels, round 0's
     * score) and the segmenter's predictions alike. PAR refines both (bench/self-training.md).
     */
    refine: z.enum(REFINER_NAMES).default('par'),
    /** The split scored against ground truth (or held-out corrected masks), and predicted with the training split. */
    evalSplit: z.string().min(1).max(64).default('val'),
  })
  .strict();
export type RoundSettings = z.infer<typeof RoundSettings>;

/** A round's score: mIoU of its masks on the evaluation split against GT, or on the held-out corrected masks. */
export const RoundScore = z.object({
  miou: z.number().nullable(),
  against: z.enum(['gt', 'held-out']),
  split: z.string().nullable(),
  images: z.number().int(),
});
export type RoundScore = z.infer<typeof RoundScore>;

export const Round = z.object({
  /** 0: the localizer's attention-map masks; k ≥ 1: segmenter k. */
  round: z.number().int().nonnegative(),
  runId: z.string(),
  kind: z.enum(['localizer', 'segmenter']),
  /** Trusted (corrected or accepted) images it trained on, and those held out to score it. */
  trusted: z.number().int(),
  heldOut: z.number().int(),
  score: RoundScore.nullable(),
  createdAt: z.string(),
});
export type Round = z.infer<typeof Round>;

export const RoundPhase = z.enum(['labels', 'training', 'predicting', 'scoring', 'finished', 'failed']);
export const RoundJob = z.object({
  localizerRunId: z.string(),
  round: z.number().int().positive(),
  phase: RoundPhase,
  /** The segmenter run, once it exists. */
  runId: z.string().nullable(),
  message: z.string().nullable(),
  /** Trusted images and held-out ones this round uses. */
  trusted: z.number().int(),
  heldOut: z.number().int(),
  seconds: z.number(),
  score: RoundScore.nullable(),
});
export type RoundJob = z.infer<typeof RoundJob>;

export const RoundsView = z.object({
  localizerRunId: z.string(),
  rounds: z.array(Round),
  /** Trusted masks in the project now (what the next round would use), in the training split. */
  trustedNow: z.number().int(),
  job: RoundJob.nullable(),
});
export type RoundsView = z.infer<typeof RoundsView>;
