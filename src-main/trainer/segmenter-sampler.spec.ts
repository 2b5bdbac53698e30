import { describe, expect, it } from 'vitest';
import { resolveScheme, SegmenterSampler } from './segmenter-sampler';
import { TimeBudget } from './time-budget';

const pseudo = Array.from({ length: 12 }, (_, i) => `p${i}`);
const trusted = ['t0', 't1'];
const opts = { repeat: 2, batchSize: 4, seed: 3 } as const;

describe('the segmenter sampler', () => {
  it('mixed: each epoch holds every pseudo-masked image once and each trusted one `repeat` times', () => {
    const s = new SegmenterSampler(pseudo, trusted, { ...opts, scheme: 'mixed' });
    expect(s.stepsPerEpoch).toBe(4); // 16 entries / 4
    const epoch = [0, 1, 2, 3].flatMap((k) => s.batchAt(k, 100).ids);
    expect(epoch.filter((id) => id === 't0')).toHaveLength(2);
    expect(new Set(epoch.filter((id) => id.startsWith('p'))).size).toBe(12);
    expect(s.batchAt(5, 100)).toEqual(s.batchAt(5, 100)); // a step's batch is a function of the step
    expect([4, 5, 6, 7].flatMap((k) => s.batchAt(k, 100).ids)).not.toEqual(epoch); // reshuffled per epoch
  });

  it('trusted-first: the first third of the planned steps on trusted images alone', () => {
    const s = new SegmenterSampler(pseudo, trusted, { ...opts, scheme: 'trusted-first' });
    const flags = Array.from({ length: 9 }, (_, k) => s.batchAt(k, 9).trustedOnly);
    expect(flags).toEqual([true, true, true, false, false, false, false, false, false]);
    expect(s.batchAt(0, 9).ids.every((id) => id.startsWith('t'))).toBe(true);
  });

  it('trusted-last: mixed, then the last third of the planned steps on trusted images alone', () => {
    const s = new SegmenterSampler(pseudo, trusted, { ...opts, scheme: 'trusted-last' });
    const flags = Array.from({ length: 9 }, (_, k) => s.batchAt(k, 9).trustedOnly);
    expect(flags).toEqual([false, false, false, false, false, false, true, true, true]);
    expect(s.batchAt(6, 9).ids.every((id) => id.startsWith('t'))).toBe(true);
    expect(s.batchAt(0, 9)).toEqual(new SegmenterSampler(pseudo, trusted, { ...opts, scheme: 'mixed' }).batchAt(0, 9)); // the mixed stage is the mixed scheme's
  });

  it('trusted-alone: every step from the trusted images once there is one; none: the pseudo-masks', () => {
    const s = new SegmenterSampler(pseudo, trusted, { ...opts, scheme: 'trusted-alone' });
    const ids = Array.from({ length: 6 }, (_, k) => s.batchAt(k, 6)).flatMap((b) => (b.trustedOnly ? b.ids : ['mixed!']));
    expect(new Set(ids)).toEqual(new Set(['t0', 't1']));
    expect(new SegmenterSampler(pseudo, [], { ...opts, scheme: 'trusted-alone' }).batchAt(0, 6).ids.every((id) => id.startsWith('p'))).toBe(true);
  });

  it('auto: trusted-alone once every class is in enough trusted masks, mixed before; other schemes stay', () => {
    const counts = new Map([[1, 25], [2, 19]]);
    expect(resolveScheme('auto', counts, 2, 20)).toBe('mixed'); // class 2 is in 19
    expect(resolveScheme('auto', new Map([[1, 25], [2, 20]]), 2, 20)).toBe('trusted-alone');
    expect(resolveScheme('auto', new Map([[1, 99]]), 2, 20)).toBe('mixed'); // class 2 in none
    expect(resolveScheme('auto', new Map(), 2, 20)).toBe('mixed'); // no corrections yet
    expect(resolveScheme('trusted-last', counts, 2, 20)).toBe('trusted-last');
  });

  it('alternate: one trusted-only epoch, then one mixed epoch, in turn; no trusted image: mixed', () => {
    const s = new SegmenterSampler(pseudo, trusted, { ...opts, scheme: 'alternate' });
    expect(Array.from({ length: 10 }, (_, k) => s.batchAt(k, 100).trustedOnly)).toEqual([true, false, false, false, false, true, false, false, false, false]);
    const none = new SegmenterSampler(pseudo, [], { ...opts, scheme: 'alternate' });
    expect(none.batchAt(0, 10).trustedOnly).toBe(false);
    expect(() => new SegmenterSampler([], [], { ...opts, scheme: 'mixed' })).toThrow(/at least one labelled image/);
  });
});

describe('the time budget', () => {
  it('plans the steps that fit after the warm-up, re-plans as the speed changes, and expires', () => {
    const b = new TimeBudget(100, 10_000);
    expect(b.totalSteps).toBe(10_000);
    let elapsed = 0;
    let step = 0;
    const run = (seconds: number, n: number): (string | null)[] =>
      Array.from({ length: n }, () => {
        elapsed += seconds;
        step += 1;
        return b.observe(seconds, step, elapsed);
      });
    const logs = run(0.5, 5).filter(Boolean);
    // the first step is warm-up; after 4 measured steps at 0.5 s: 5 + floor(0.97·97.5 / 0.5) = 194
    expect(b.totalSteps).toBe(194);
    expect(logs[0]).toMatch(/Time budget 100\.0 min|Time budget 1\.7 min at 0\.500 s\/step: 194 steps planned/);
    run(1, 40); // the machine got twice slower
    expect(b.totalSteps).toBeLessThan(150);
    expect(b.limiting).toBe(true);
    expect(b.expired(99)).toBe(false);
    expect(b.expired(100)).toBe(true);
    expect(new TimeBudget(100, 10_000, 100).expired(0)).toBe(true); // a resume after the budget was spent
    const none = new TimeBudget(null, 50);
    expect(none.observe(1, 10, 10)).toBeNull();
    expect([none.totalSteps, none.expired(1e9), none.limiting]).toEqual([50, false, false]);
    const short = new TimeBudget(1000, 20);
    for (let i = 1; i <= 6; i++) short.observe(0.1, i, i * 0.1);
    expect([short.totalSteps, short.limiting]).toEqual([20, false]); // the run's own length fits
  });
});
