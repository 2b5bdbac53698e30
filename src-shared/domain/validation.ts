/**
 * A run's validation: the localizer's classification BCE on the validation split against the
 * label prior (the BCE of predicting each class's training frequency for every image). "Learned
 * nothing" is a val BCE not clearly below the prior: the attention maps then carry no signal.
 * Written by the trainer (src-main/trainer/validation.ts) into the run folder, shown by the CLI
 * and the run view.
 */
import { z } from 'zod';

/** How a training run ended well: its epochs, a stop asked for, its max steps, or its time budget. */
export const FinishReason = z.enum(['completed', 'stopped', 'max-steps', 'time-budget']);
export type FinishReason = z.infer<typeof FinishReason>;

export const Validation = z
  .object({
    /** Global steps done when it was measured. */
    step: z.number().int().nonnegative(),
    split: z.string(),
    images: z.number().int().positive(),
    /** Mean BCE over (image, foreground class). */
    bce: z.number(),
    /** The same for the training frequencies as the prediction. */
    prior: z.number(),
    time: z.string(),
  })
  .strict();
export type Validation = z.infer<typeof Validation>;

/** Learned nothing: the val BCE is not at least 2 % below the prior (or is not a number). */
export function learnedNothing(v: Pick<Validation, 'bce' | 'prior'>): boolean {
  return !(v.bce < 0.98 * v.prior);
}

/** "val BCE 0.412 vs label prior 0.469 (−12 %) on 200 images at step 900", plus the warning when it learned nothing. */
export function validationLine(v: Validation): string {
  const change = (100 * (v.bce - v.prior)) / v.prior;
  const verdict = learnedNothing(v) ? ' — learned nothing yet: the attention maps carry no signal (train longer, or a smaller network or image size)' : '';
  return `${v.split} BCE ${v.bce.toFixed(3)} vs label prior ${v.prior.toFixed(3)} (${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(0)} %) on ${v.images} images at step ${v.step}${verdict}.`;
}
