import { describe, expect, it } from 'vitest';
import { bestThreshold, PseudoRenderSettings } from './pseudo-view';

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

describe('the threshold chosen by the sweep', () => {
  it('is the threshold of the highest mIoU (the first of equals), skipping unscored ones', () => {
    expect(bestThreshold([{ threshold: 0.1, miou: 0.2 }, { threshold: 0.2, miou: null }, { threshold: 0.3, miou: 0.41 }, { threshold: 0.4, miou: 0.41 }, { threshold: 0.5, miou: 0.3 }])).toEqual({ threshold: 0.3, miou: 0.41 });
    expect(bestThreshold([{ threshold: 0.3, miou: null }])).toBeNull();
    expect(bestThreshold([])).toBeNull();
  });
});
