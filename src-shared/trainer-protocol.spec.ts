import { describe, expect, it } from 'vitest';
import { TrainConfig } from './domain/train-config';
import { QUICK_PRESET } from './domain/train-presets';
import { looksLikeOom, parseParentMessage, parseTrainerMessage } from './trainer-protocol';

const start = { type: 'start', config: QUICK_PRESET, datasetRoot: '/data/voc', runDir: '/runs/a', resume: false };

describe('trainer protocol', () => {
  it('accepts well-formed commands', () => {
    expect(parseParentMessage(start).ok).toBe(true);
    expect(parseParentMessage({ type: 'pause' }).ok).toBe(true);
    expect(TrainConfig.safeParse(QUICK_PRESET).success).toBe(true);
  });

  it('rejects malformed commands with the failing path', () => {
    const bad = parseParentMessage({ ...start, config: { ...QUICK_PRESET, batchSize: 0 } });
    expect(bad).toEqual({ ok: false, error: expect.stringContaining('config.batchSize') as unknown, path: ['config', 'batchSize'] });
    expect(parseParentMessage({ type: 'launch' }).ok).toBe(false);
    expect(parseParentMessage({ type: 'pause', extra: 1 }).ok).toBe(false);
    expect(parseParentMessage(null).ok).toBe(false);
    expect(parseParentMessage({ ...start, config: { ...QUICK_PRESET, optimizer: 'lbfgs' } }).ok).toBe(false);
    expect(parseParentMessage({ ...start, config: { ...QUICK_PRESET, unknownKey: 1 } }).ok).toBe(false);
  });

  it('checks trainer reports, including binary samples', () => {
    const png = new Uint8Array([137, 80, 78, 71]);
    const sample = { type: 'sample', step: 3, imageId: '2007_000032', image: png, cams: [{ classIndex: 1, png }], softMask: png, erased: png, adversaryProbs: [0.2] };
    expect(parseTrainerMessage(sample).ok).toBe(true);
    expect(parseTrainerMessage({ ...sample, image: [1, 2, 3] }).ok).toBe(false);
    expect(parseTrainerMessage({ ...sample, cams: [{ classIndex: 0, png }] }).ok).toBe(false);
    expect(parseTrainerMessage({ type: 'error', code: 'OOM', message: 'x', step: null }).ok).toBe(true);
    expect(parseTrainerMessage({ type: 'error', code: 'SEGV', message: 'x', step: null }).ok).toBe(false);
    expect(parseTrainerMessage({ type: 'progress', step: -1 }).ok).toBe(false);
  });

  it('recognises out-of-memory errors', () => {
    expect(looksLikeOom('OOM when allocating tensor with shape[16,2048,14,14]')).toBe(true);
    expect(looksLikeOom('RangeError: Array buffer allocation failed')).toBe(true);
    expect(looksLikeOom('Expected image to be 3 channels')).toBe(false);
  });
});
