import { describe, expect, it } from 'vitest';
import { VOID_LABEL } from '@shared/domain/dataset';
import { imageIou } from './image-metrics';
import { ranks, spearman } from './stats';

describe('spearman', () => {
  it('averages the ranks of ties', () => {
    expect(ranks([10, 30, 20, 30])).toEqual([1, 3.5, 2, 3.5]);
  });

  it('matches a hand computation with a tie', () => {
    // ranks(y) = [1, 2, 3.5, 5, 3.5]; Σdxdy = 8, Σdx² = 10, Σdy² = 9.5 → 8 / √95
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
  });

  it('is ±1 for monotone relations whatever their shape, and null for a constant', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([0.1, 0.5, 0.2, 0.9], [0.9, 0.3, 0.7, 0.01])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNull();
    expect(() => spearman([1], [1, 2])).toThrow();
  });
});

describe('imageIou', () => {
  it('averages IoU over classes in GT or prediction, background included, void ignored', () => {
    const gt = Uint8Array.from([0, 0, 1, 1, VOID_LABEL, 2]);
    const pred = Uint8Array.from([0, 1, 1, 1, 2, 0]);
    // bg: inter 1, union 3 → 1/3; class 1: inter 2, union 3 → 2/3; class 2: inter 0, union 1 → 0
    expect(imageIou(gt, pred, 4)).toBeCloseTo((1 / 3 + 2 / 3 + 0) / 3, 12);
  });

  it('leaves classes absent from both out, and is null for an all-void image', () => {
    expect(imageIou(Uint8Array.from([1, 1]), Uint8Array.from([1, 1]), 5)).toBe(1);
    expect(imageIou(Uint8Array.from([VOID_LABEL]), Uint8Array.from([3]), 5)).toBeNull();
  });
});
