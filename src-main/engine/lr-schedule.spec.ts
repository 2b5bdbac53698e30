import { describe, expect, it } from 'vitest';
import { CONSTANT_LR, ONE_CYCLE, lrFactor, scheduledLr } from './lr-schedule';

describe('lr schedules', () => {
  it('constant is 1 everywhere', () => {
    for (const p of [0, 0.3, 1, 2]) expect(lrFactor(CONSTANT_LR, p)).toBe(1);
  });

  it('one-cycle warms up linearly, peaks at the end of the warm-up, then follows a cosine to the final factor', () => {
    const s = { kind: 'one-cycle' as const, warmup: 0.2, startFactor: 0.1, finalFactor: 0.0 };
    expect(lrFactor(s, 0)).toBeCloseTo(0.1, 12);
    expect(lrFactor(s, 0.1)).toBeCloseTo(0.55, 12);
    expect(lrFactor(s, 0.2)).toBeCloseTo(1, 12);
    expect(lrFactor(s, 0.6)).toBeCloseTo(0.5, 12); // half-way down the cosine
    expect(lrFactor(s, 1)).toBeCloseTo(0, 12);
    expect(lrFactor(s, 1.5)).toBeCloseTo(0, 12); // past the budget: stays at the end value
    expect(lrFactor(s, -1)).toBeCloseTo(0.1, 12);
    // Same numbers as the research harness (scripts/experiments/torch/recipe.py lr_at) for ONE_CYCLE.
    expect(lrFactor(ONE_CYCLE, 0.075)).toBeCloseTo(0.52, 12);
    expect(lrFactor(ONE_CYCLE, 0.575)).toBeCloseTo(0.02 + 0.98 * 0.5, 12);
  });

  it('is monotone after the warm-up', () => {
    let last = Infinity;
    for (let i = 15; i <= 100; i++) {
      const f = lrFactor(ONE_CYCLE, i / 100);
      expect(f).toBeLessThanOrEqual(last);
      last = f;
    }
  });

  it('scheduledLr scales the base lr by the progress of the planned steps and rejects a bad plan', () => {
    expect(scheduledLr(3e-3, ONE_CYCLE, 0, 1000)).toBeCloseTo(3e-3 * 0.04, 15);
    expect(scheduledLr(3e-3, ONE_CYCLE, 150, 1000)).toBeCloseTo(3e-3, 15);
    expect(() => scheduledLr(1e-3, ONE_CYCLE, 0, 0)).toThrow('planned steps must be positive, got 0');
  });
});
