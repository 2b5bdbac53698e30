import { describe, expect, it } from 'vitest';
import { PseudoRenderSettings } from './pseudo-view';

describe('PseudoRenderSettings', () => {
  it('defaults to the plain rule without ignore band', () => {
    expect(PseudoRenderSettings.parse({})).toEqual({ threshold: 0.3, refine: 'none', keepLargest: false, ignoreBand: null });
  });

  it('names refiners, and reads the former boolean (stored evaluations, provenance) as bilateral/none', () => {
    expect(PseudoRenderSettings.parse({ refine: 'bilateral' }).refine).toBe('bilateral');
    expect(PseudoRenderSettings.parse({ refine: true }).refine).toBe('bilateral');
    expect(PseudoRenderSettings.parse({ refine: false }).refine).toBe('none');
    expect(PseudoRenderSettings.safeParse({ refine: 'crf' }).success).toBe(false);
  });

  it('accepts an ignore band only with 0 ≤ low < high ≤ 1', () => {
    expect(PseudoRenderSettings.parse({ ignoreBand: { low: 0.05, high: 0.3 } }).ignoreBand).toEqual({ low: 0.05, high: 0.3 });
    expect(PseudoRenderSettings.safeParse({ ignoreBand: { low: 0.3, high: 0.3 } }).success).toBe(false);
    expect(PseudoRenderSettings.safeParse({ ignoreBand: { low: 0.1, high: 1.2 } }).success).toBe(false);
  });
});
