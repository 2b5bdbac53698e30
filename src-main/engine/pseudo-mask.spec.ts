import { describe, expect, it } from 'vitest';
import { pseudoMask } from './pseudo-mask';

describe('pseudoMask', () => {
  it('thresholds, lets background win below it and takes the argmax above', () => {
    const cams = [
      { classIndex: 0, cam: Float32Array.from([0.9, 0.2, 0.5, 0.0]) },
      { classIndex: 4, cam: Float32Array.from([0.4, 0.29, 0.6, 0.31]) },
    ];
    expect(Array.from(pseudoMask(cams, 2, 2, 0.3))).toEqual([1, 0, 5, 5]);
    expect(Array.from(pseudoMask(cams, 2, 2, 0.55))).toEqual([1, 0, 5, 0]);
  });

  it('gives all background with no cams and checks sizes', () => {
    expect(Array.from(pseudoMask([], 3, 1))).toEqual([0, 0, 0]);
    expect(() => pseudoMask([{ classIndex: 0, cam: new Float32Array(2) }], 3, 1)).toThrow(/expected 3×1/);
  });
});
