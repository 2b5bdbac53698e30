/**
 * The alternating schedule (the reference's `TrainingPhase`): blocks of T_loc localizer steps,
 * then T_adv adversary steps, decided by the global step alone so a resumed run lands in the same
 * phase. Without a separate adversary ('none' / 'shared') every step is a localizer step.
 */
import type { Phase } from './types';

export class TrainingPhase {
  constructor(
    readonly locSteps: number,
    readonly advSteps: number,
    readonly hasAdversary: boolean,
  ) {
    if (!Number.isInteger(locSteps) || locSteps < 1) throw new Error(`locSteps must be a positive integer, got ${locSteps}`);
    if (hasAdversary && (!Number.isInteger(advSteps) || advSteps < 1)) {
      throw new Error(`advSteps must be a positive integer, got ${advSteps}`);
    }
  }

  /** Phase of global step `step` (0-based). */
  phaseAt(step: number): Phase {
    if (!this.hasAdversary) return 'localizer';
    const period = this.locSteps + this.advSteps;
    return step % period < this.locSteps ? 'localizer' : 'adversary';
  }

  /** Steps left in the block that contains `step`, including it. */
  remainingInBlock(step: number): number {
    if (!this.hasAdversary) return Number.POSITIVE_INFINITY;
    const offset = step % (this.locSteps + this.advSteps);
    return offset < this.locSteps ? this.locSteps - offset : this.locSteps + this.advSteps - offset;
  }
}
