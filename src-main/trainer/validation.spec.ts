import { describe, expect, it } from 'vitest';
import type { ImageRecord } from '@shared/domain/dataset';
import { learnedNothing, validationLine } from '@shared/domain/validation';
import { classFrequencies, imageBce, labelPriorBce } from './validation';

const rec = (id: string, labels: number[]): ImageRecord => ({ id, labels, splits: ['train'] }) as unknown as ImageRecord;

describe('the label prior', () => {
  const train = [rec('a', [1]), rec('b', [1, 2]), rec('c', [2]), rec('d', [1, 1])];

  it('is each class’s training frequency (a label listed twice counts once)', () => {
    expect(Array.from(classFrequencies(train, 3))).toEqual([0.75, 0.5, 0]);
  });

  it('is the mean BCE of predicting those frequencies, by hand', () => {
    // K = 2, frequencies [0.75, 0.5]. Image [1]: (−ln 0.75 − ln 0.5)/2; image [2]: (−ln 0.25 − ln 0.5)/2.
    const one = (-Math.log(0.75) - Math.log(0.5)) / 2;
    const two = (-Math.log(0.25) - Math.log(0.5)) / 2;
    expect(labelPriorBce(train, [rec('v1', [1])], 2)).toBeCloseTo(0.490415, 5);
    expect(labelPriorBce(train, [rec('v1', [1]), rec('v2', [2])], 2)).toBeCloseTo((one + two) / 2, 10);
    // Predicting 0.5 everywhere costs ln 2 whatever the labels.
    expect(imageBce([0.5, 0.5, 0.5], [2], 3)).toBeCloseTo(Math.LN2, 10);
    // A class never seen in training is clamped, not infinite.
    expect(Number.isFinite(labelPriorBce(train, [rec('v3', [3])], 3))).toBe(true);
  });

  it('says "learned nothing" unless the val BCE is clearly below it', () => {
    const v = { step: 40, split: 'val', images: 200, prior: 0.471, time: '' };
    expect(learnedNothing({ ...v, bce: 0.473 })).toBe(true);
    expect(learnedNothing({ ...v, bce: 0.465 })).toBe(true);
    expect(learnedNothing({ ...v, bce: 0.407 })).toBe(false);
    expect(learnedNothing({ ...v, bce: Number.NaN })).toBe(true);
    expect(validationLine({ ...v, bce: 0.407 })).toBe('val BCE 0.407 vs label prior 0.471 (−14 %) on 200 images at step 40.');
    expect(validationLine({ ...v, bce: 0.473 })).toMatch(/^val BCE 0\.473 vs label prior 0\.471 \(\+0 %\) on 200 images at step 40 — learned nothing yet/);
  });
});
