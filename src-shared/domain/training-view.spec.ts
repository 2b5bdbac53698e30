import { describe, expect, it } from 'vitest';
import { LossTerms, lossTermsOf } from './loss-terms';
import { decimateMinMax, lossColumns, SeriesBuffer, type SeriesRow } from './training-view';

/** A noisy decaying loss with a few isolated spikes, deterministic. */
function lossAt(i: number): number {
  const noise = Math.sin(i * 12.9898) * 0.05;
  const spike = i % 25_013 === 7 ? 5 : 0;
  return 1 / (1 + i / 5000) + noise + spike;
}

const row = (i: number): SeriesRow => ({
  step: i + 1,
  phase: Math.floor(i / 200) % 2,
  locBce: lossAt(i),
  alphaTerm: 0.05 * Math.abs(Math.cos(i / 300)),
  betaTerm: 1e-5 * (i % 17),
  advBce: i === 50_000 ? Number.NaN : 0.7 - lossAt(i) * 0.1,
  imagesPerSecond: 20 + (i % 10),
});

describe('SeriesBuffer', () => {
  it('holds 100k points in at most its cap, keeping each column’s extremes and the step order', () => {
    const buffer = new SeriesBuffer(20_000);
    let maxLoss = -Infinity;
    let minLoss = Infinity;
    for (let i = 0; i < 100_000; i++) {
      const r = row(i);
      buffer.push(r);
      maxLoss = Math.max(maxLoss, r.locBce);
      minLoss = Math.min(minLoss, r.locBce);
    }
    expect(buffer.length).toBeLessThanOrEqual(20_000);
    expect(buffer.length).toBeGreaterThan(10_000);
    expect(buffer.compactions).toBeGreaterThan(0);
    const steps = buffer.column('step');
    expect(steps[0]).toBe(1);
    expect(steps[steps.length - 1]).toBe(100_000);
    let ordered = true;
    for (let i = 1; i < steps.length; i++) ordered &&= steps[i]! >= steps[i - 1]!;
    expect(ordered).toBe(true);
    const loss = buffer.column('locBce');
    expect(Math.max(...loss)).toBe(maxLoss); // the spikes survive every compaction
    expect(Math.min(...loss)).toBe(minLoss);
    const phase = buffer.column('phase');
    expect(new Set(phase)).toEqual(new Set([0, 1]));
    // A NaN (a diverged step) is skipped by min/max, never spread to its neighbours.
    expect(buffer.column('advBce').filter(Number.isNaN).length).toBe(0);
  });

  it('serialises gaps as null and reads a chunk back', () => {
    const a = new SeriesBuffer(100);
    a.push({ ...row(0), advBce: Number.NaN });
    a.push(row(1));
    const chunk = a.toChunk();
    expect(chunk.advBce[0]).toBeNull();
    const b = new SeriesBuffer(100);
    b.pushChunk(chunk);
    expect(Array.from(b.column('step'))).toEqual([1, 2]);
    expect(Number.isNaN(b.column('advBce')[0])).toBe(true);
  });
});

describe('decimateMinMax', () => {
  it('reduces 100k points to ≤ 2 per pixel with the exact min/max envelope per bucket, fast', () => {
    const n = 100_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i + 1;
      y[i] = lossAt(i);
    }
    const width = 800;
    decimateMinMax(x, [y], width); // warm the JIT
    const times: number[] = [];
    let out = decimateMinMax(x, [y], width);
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      out = decimateMinMax(x, [y], width);
      times.push(performance.now() - t0);
    }
    const ms = times.sort((a, b) => a - b)[2]!; // median: a shared 2-core machine has hiccups
    expect(out.x.length).toBeLessThanOrEqual(2 * width);
    expect(out.x.length).toBeGreaterThan(width);
    expect(ms).toBeLessThan(50); // one redraw per frame must fit well inside a frame budget at 100k points
    // Brute-force envelope per bucket equals the decimated one.
    const span = x[n - 1]! - x[0]!;
    const bucketOf = (v: number): number => Math.min(width - 1, Math.floor(((v - x[0]!) / span) * width));
    const want = new Map<number, { lo: number; hi: number }>();
    for (let i = 0; i < n; i++) {
      const b = bucketOf(x[i]!);
      const e = want.get(b) ?? { lo: Infinity, hi: -Infinity };
      want.set(b, { lo: Math.min(e.lo, y[i]!), hi: Math.max(e.hi, y[i]!) });
    }
    const got = new Map<number, { lo: number; hi: number }>();
    out.x.forEach((xv, i) => {
      const b = bucketOf(xv);
      const v = out.ys[0]![i]!;
      const e = got.get(b) ?? { lo: Infinity, hi: -Infinity };
      got.set(b, { lo: Math.min(e.lo, v), hi: Math.max(e.hi, v) });
    });
    expect(got).toEqual(want);
    expect(Math.max(...(out.ys[0] as number[]))).toBeGreaterThan(5); // a single-step spike is drawn
  });

  it('passes short series through and turns NaN into gaps', () => {
    const out = decimateMinMax(new Float64Array([1, 2, 3]), [new Float64Array([0.5, Number.NaN, 0.25])], 100);
    expect(out).toEqual({ x: [1, 2, 3], ys: [[0.5, null, 0.25]] });
    expect(decimateMinMax(new Float64Array(0), [new Float64Array(0)], 10)).toEqual({ x: [], ys: [[]] });
  });
});

describe('lossColumns', () => {
  it('maps the engine’s loss terms onto the chart columns; a missing term is a gap', () => {
    expect(lossColumns({ bce: 0.6, reg: 1e-6, adv: 0.02, advBce: 0.4, total: 1 })).toEqual({ locBce: 0.6, alphaTerm: 0.02, betaTerm: 1e-6, advBce: 0.4 });
    // A stored row with only some terms (and other keys): those columns, NaN for the rest.
    const partial = lossColumns(lossTermsOf({ step: 3, phase: 'adversary', bce: 0.5, advBce: 0.3, adv: 'x' }));
    expect(partial).toEqual({ locBce: 0.5, alphaTerm: Number.NaN, betaTerm: Number.NaN, advBce: 0.3 });
    // The progress report's losses are exactly the engine's terms: the dead names are refused.
    expect(LossTerms.safeParse({ classification: 0.5, adversarial: 0.1, camMean: 0.2, adversary: 0.3, total: 1 }).success).toBe(false);
    expect(Number.isNaN(lossColumns({}).advBce)).toBe(true);
  });
});
