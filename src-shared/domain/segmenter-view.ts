/**
 * What a segmenter run records about its training labels, and what the Masks area's rounds show.
 * Pure TypeScript (main side and renderer share it). docs/segmenter.md.
 */
import { z } from 'zod';

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
