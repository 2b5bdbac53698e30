/**
 * The loss terms of one training step, by the names the engine emits (src-main/engine/train-step.ts).
 * One schema for the trainer's progress report, metrics.jsonl rows, the CLI's progress line, the
 * charts and the run history.
 */
import { z } from 'zod';

export const LossTerms = z
  .object({
    /** Localizer BCE(sigmoid(logits), labels). */
    bce: z.number(),
    /** β·mean(cam), the cam regulariser. */
    reg: z.number(),
    /** α·mean over pairs of the adversary's probability of the pair's class on the erased image. */
    adv: z.number(),
    /** The adversary's BCE on the erased images (0 without an adversary). */
    advBce: z.number(),
    /** The loss the stepping network minimised this step. */
    total: z.number(),
  })
  .strict();
export type LossTerms = z.infer<typeof LossTerms>;
export type LossTerm = keyof LossTerms;

/** The terms in the order the CLI prints them. */
export const LOSS_TERMS = Object.keys(LossTerms.shape) as LossTerm[];

/** The loss terms of a stored metrics row (other keys ignored); a term that is missing or not a number is left out. */
export function lossTermsOf(row: Readonly<Record<string, unknown>> | undefined): Partial<LossTerms> {
  const out: Partial<LossTerms> = {};
  for (const term of LOSS_TERMS) {
    const value = row?.[term];
    if (typeof value === 'number') out[term] = value;
  }
  return out;
}
