import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './metrics';

const mask = (values: number[]) => Uint8Array.from(values);

describe('ConfusionMatrix', () => {
  it('scores a hand-made mask with background and void', () => {
    // gt:   0 0 1 1 | 2 255 0 1
    // pred: 0 1 1 1 | 0 2   0 2
    const cm = new ConfusionMatrix(3);
    cm.add(mask([0, 0, 1, 1, 2, 255, 0, 1]), mask([0, 1, 1, 1, 0, 2, 0, 2]));
    const s = cm.scores();
    const [bg, c1, c2] = s.perClass;
    // class 0: TP 2 (px0, px6), FP 1 (px4), FN 1 (px1) → 2/4
    expect(bg).toMatchObject({ classIndex: 0, iou: 0.5, precision: 2 / 3, recall: 2 / 3, support: 3 });
    // class 1: TP 2 (px2, px3), FP 1 (px1), FN 1 (px7) → 2/4
    expect(c1).toMatchObject({ iou: 0.5, precision: 2 / 3, recall: 2 / 3, support: 3 });
    // class 2: TP 0, FP 1 (px7; px5 is void), FN 1 (px4) → 0
    expect(c2).toMatchObject({ iou: 0, precision: 0, recall: 0, support: 1 });
    expect(s.miou).toBeCloseTo((0.5 + 0.5 + 0) / 3);
    expect(s.pixels).toBe(7);
    expect(s.pixelAccuracy).toBeCloseTo(4 / 7);
  });

  it('accumulates over images and leaves classes absent everywhere out of the mean', () => {
    const cm = new ConfusionMatrix(4);
    cm.add(mask([0, 0, 1]), mask([0, 0, 1]));
    cm.add(mask([1, 255]), mask([0, 3]));
    const s = cm.scores();
    expect(s.perClass[2]?.iou).toBeNull(); // never in GT nor prediction
    expect(s.perClass[0]?.iou).toBeCloseTo(2 / 3);
    expect(s.perClass[1]?.iou).toBeCloseTo(1 / 2);
    expect(s.perClass[3]?.iou).toBeNull(); // predicted only on a void pixel → ignored
    expect(s.miou).toBeCloseTo((2 / 3 + 1 / 2) / 2);
  });

  it('merges shards and rejects bad masks', () => {
    const a = new ConfusionMatrix(2);
    const b = new ConfusionMatrix(2);
    a.add(mask([0, 1]), mask([0, 1]));
    b.add(mask([1]), mask([0]));
    a.merge(b);
    expect(a.scores().perClass[1]?.iou).toBeCloseTo(1 / 2);
    expect(() => a.add(mask([0]), mask([0, 1]))).toThrow(/sizes differ/);
    expect(() => a.add(mask([5]), mask([0]))).toThrow(/ground-truth class 5/);
    expect(() => a.add(mask([0]), mask([7]))).toThrow(/predicted class 7/);
  });

  it('leaves predictions of 255 (a pseudo-mask’s ignore band) unscored, and counts them', () => {
    // gt:   0 1 1 255 | pred: 255 1 255 255 → only px1 is scored; px0 and px2 are unscored (px3 is void)
    const cm = new ConfusionMatrix(2);
    cm.add(mask([0, 1, 1, 255]), mask([255, 1, 255, 255]));
    const other = new ConfusionMatrix(2);
    other.add(mask([0]), mask([255]));
    cm.merge(other);
    const s = cm.scores();
    expect(s).toMatchObject({ pixels: 1, unscored: 3, pixelAccuracy: 1 });
    expect(s.perClass[1]).toMatchObject({ iou: 1, support: 1 });
    expect(s.perClass[0]?.iou).toBeNull();
  });
});
