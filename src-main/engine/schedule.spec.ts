import { describe, expect, it } from 'vitest';
import { TrainingPhase } from './schedule';

describe('TrainingPhase', () => {
  it('alternates T_loc localizer steps then T_adv adversary steps by global step', () => {
    const s = new TrainingPhase(3, 2, true);
    const phases = Array.from({ length: 11 }, (_, i) => s.phaseAt(i)[0]).join('');
    expect(phases).toBe('lllaalllaal');
  });

  it('switches exactly at the block boundaries with the paper defaults', () => {
    const s = new TrainingPhase(200, 200, true);
    expect([s.phaseAt(0), s.phaseAt(199), s.phaseAt(200), s.phaseAt(399), s.phaseAt(400)]).toEqual([
      'localizer', 'localizer', 'adversary', 'adversary', 'localizer',
    ]);
    expect(s.remainingInBlock(0)).toBe(200);
    expect(s.remainingInBlock(250)).toBe(150);
  });

  it('has only the localizer phase without a separate adversary', () => {
    const s = new TrainingPhase(2, 2, false);
    expect(new Set(Array.from({ length: 10 }, (_, i) => s.phaseAt(i)))).toEqual(new Set(['localizer']));
  });

  it('rejects non-positive block lengths', () => {
    expect(() => new TrainingPhase(0, 2, true)).toThrow(/locSteps/);
    expect(() => new TrainingPhase(2, 0, true)).toThrow(/advSteps/);
  });
});
