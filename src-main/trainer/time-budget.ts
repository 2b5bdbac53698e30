/**
 * A run's time budget, the one place it is decided: how many steps the schedule plans for, and when
 * the loop must stop. The loop measures every step (data loading included) and asks.
 *  - Plan: after a few warm-up steps (the first is slower: kernels compile, caches fill), the steps
 *    that fit in what is left of the budget at the measured speed, capped by the run's own length
 *    (epochs, max steps). A learning-rate schedule (the segmenter's poly decay) runs over the plan.
 *  - Re-plan: the speed is measured again every tenth of the plan, so a machine that gets busier or
 *    freer mid-run still ends on time; the plan never drops below the steps already taken.
 *  - Stop: once the budget is spent (this session plus the sessions before a resume), the loop stops
 *    between steps and writes its checkpoint, like a stop asked for by the user.
 * A few percent of the budget is kept for that last checkpoint. A budgeted run is not reproducible
 * step for step: its length depends on the machine's speed.
 */

/** What part of the remaining budget steps may use (the rest: the final checkpoint, the last step's overrun). */
const USABLE = 0.97;
/** Steps measured before the first plan (the first of them is not counted). */
const WARMUP_STEPS = 4;

export class TimeBudget {
  private readonly times: number[] = [];
  private planned: number;
  private nextReplan: number;
  private planCount = 0;

  /**
   * `budgetSeconds` null: no budget (the cap decides). `capSteps`: the run's length without a budget.
   * `elapsedBefore`: seconds already trained in earlier sessions of the run (resume).
   */
  constructor(
    readonly budgetSeconds: number | null,
    private readonly capSteps: number,
    private readonly elapsedBefore = 0,
  ) {
    this.planned = capSteps;
    this.nextReplan = budgetSeconds === null ? Number.POSITIVE_INFINITY : 0;
  }

  /** The steps the schedule plans for now (the cap until the first measurement). */
  get totalSteps(): number {
    return this.planned;
  }

  /** True once the plan is the budget's (fewer steps than the cap fit in it). */
  get limiting(): boolean {
    return this.budgetSeconds !== null && this.planned < this.capSteps;
  }

  /** How many times the plan was made (for logs and tests). */
  get plans(): number {
    return this.planCount;
  }

  /**
   * One step took `stepSeconds`; `stepsDone` steps are done and `elapsed` seconds trained in this
   * session. Returns a line to log when the plan changed, else null.
   */
  observe(stepSeconds: number, stepsDone: number, elapsed: number): string | null {
    if (this.budgetSeconds === null) return null;
    this.times.push(stepSeconds);
    const measured = this.times.length - 1; // the first step is warm-up
    if (measured < WARMUP_STEPS || stepsDone < this.nextReplan) return null;
    const recent = this.times.slice(1).slice(-Math.max(WARMUP_STEPS, 20));
    const perStep = median(recent);
    const remaining = USABLE * (this.budgetSeconds - this.elapsedBefore - elapsed);
    const fit = stepsDone + Math.max(0, Math.floor(remaining / Math.max(perStep, 1e-6)));
    const previous = this.planned;
    this.planned = Math.max(stepsDone, Math.min(this.capSteps, fit));
    this.planCount += 1;
    this.nextReplan = stepsDone + Math.max(10, Math.ceil(this.planned / 10));
    if (this.planned === previous && this.planCount > 1) return null;
    const minutes = this.budgetSeconds / 60;
    return `Time budget ${minutes.toFixed(minutes < 10 ? 1 : 0)} min at ${perStep.toFixed(3)} s/step: ${this.planned} steps planned${this.planned === this.capSteps ? ' (the run’s own length)' : ''}.`;
  }

  /** Is the budget spent (`elapsed`: seconds trained in this session)? */
  expired(elapsed: number): boolean {
    return this.budgetSeconds !== null && this.elapsedBefore + elapsed >= this.budgetSeconds;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
