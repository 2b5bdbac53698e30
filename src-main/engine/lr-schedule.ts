/**
 * Learning-rate schedules planned over a known budget of steps (a time budget becomes a step
 * budget once the speed is measured). `lrFactor(schedule, progress)` multiplies the base lr at
 * progress ∈ [0, 1] (step / planned steps; clamped):
 *  - constant:  1
 *  - one-cycle: linear warm-up from startFactor to 1 over the first `warmup` of the budget, then a
 *               cosine down to finalFactor at the end (Smith & Topin's one-cycle, cosine annealing).
 * Both replicas of a data-parallel run compute the same factor from the same optimizer iteration.
 */

export type LrScheduleKind = 'constant' | 'one-cycle';

export interface LrSchedule {
  kind: LrScheduleKind;
  /** Fraction of the budget spent warming up (one-cycle). */
  warmup: number;
  /** Factor at step 0 (one-cycle). */
  startFactor: number;
  /** Factor at the end of the budget (one-cycle). */
  finalFactor: number;
}

export const CONSTANT_LR: LrSchedule = { kind: 'constant', warmup: 0, startFactor: 1, finalFactor: 1 };
export const ONE_CYCLE: LrSchedule = { kind: 'one-cycle', warmup: 0.15, startFactor: 0.04, finalFactor: 0.02 };

export function lrFactor(schedule: LrSchedule, progress: number): number {
  if (schedule.kind === 'constant') return 1;
  const p = Math.min(1, Math.max(0, Number.isFinite(progress) ? progress : 0));
  const { warmup, startFactor, finalFactor } = schedule;
  if (p < warmup) return startFactor + ((1 - startFactor) * p) / warmup;
  const q = (p - warmup) / Math.max(1e-9, 1 - warmup);
  return finalFactor + (1 - finalFactor) * 0.5 * (1 + Math.cos(Math.PI * q));
}

/** The lr of optimizer iteration `iteration` (0-based: the step about to be applied) of `plannedSteps`. */
export function scheduledLr(baseLr: number, schedule: LrSchedule, iteration: number, plannedSteps: number): number {
  if (!(plannedSteps > 0)) throw new Error(`planned steps must be positive, got ${plannedSteps}`);
  return baseLr * lrFactor(schedule, iteration / plannedSteps);
}
