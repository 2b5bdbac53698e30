import { describe, expect, it } from 'vitest';
import { DEFAULTS, SETTING_KEYS, SETTINGS, StoredTrainConfig, TrainConfig } from './train-config';
import { PRESET_TABLE, PRESETS, PresetId, QUICK_PRESET } from './train-presets';

describe('the settings table', () => {
  it('builds each schema from the declared bounds', () => {
    const ok = (patch: Partial<Record<string, unknown>>): boolean => TrainConfig.safeParse({ ...QUICK_PRESET, ...patch }).success;
    expect([ok({ imageSize: 16 }), ok({ imageSize: 15 }), ok({ imageSize: 1024 }), ok({ imageSize: 1025 }), ok({ imageSize: 20.5 })]).toEqual([true, false, true, false, false]);
    expect([ok({ lr: 0 }), ok({ lr: 1e-9 }), ok({ lr: Number.POSITIVE_INFINITY }), ok({ lr: Number.NaN })]).toEqual([false, true, false, false]);
    expect([ok({ cropMinScale: 0 }), ok({ cropMinScale: 1 }), ok({ sigma: 1.01 }), ok({ maxSteps: null }), ok({ maxSteps: 0 })]).toEqual([false, true, false, true, false]);
    expect([ok({ backbone: 'vgg' }), ok({ camMethod: 'cam' }), ok({ trainSplit: '' }), ok({ hflip: 'yes' }), ok({ workers: 3 })]).toEqual([false, true, false, false, false]);
  });

  it('reads weights references as a name or a path, or null; never empty, padded or the null word itself', () => {
    const ok = (patch: Partial<Record<string, unknown>>): boolean => TrainConfig.safeParse({ ...QUICK_PRESET, ...patch }).success;
    expect([ok({ pretrained: null }), ok({ pretrained: 'resnet50' }), ok({ pretrained: '/w/r50.pth' }), ok({ pretrained: 'x'.repeat(4096) })]).toEqual([true, true, true, true]);
    expect([ok({ pretrained: '' }), ok({ pretrained: ' r50' }), ok({ pretrained: 'None' }), ok({ pretrained: 'x'.repeat(4097) }), ok({ pretrained: 3 })]).toEqual([false, false, false, false, false]);
    expect(TrainConfig.safeParse({ ...QUICK_PRESET, pretrained: 'none' }).error?.issues[0]?.message).toBe('"none" is spelt null here, not as text');
  });

  it('refuses adversary weights without an adversary network of its own', () => {
    for (const adversary of ['shared', 'none'] as const) {
      expect(TrainConfig.safeParse({ ...QUICK_PRESET, adversary, adversaryPretrained: 'r18' }).error?.issues).toEqual([
        expect.objectContaining({ path: ['adversaryPretrained'], message: `needs an adversary network of its own (tiny or resnet18), but the adversary is ${adversary}` }),
      ]);
      expect(TrainConfig.safeParse({ ...QUICK_PRESET, adversary, adversaryPretrained: null }).success).toBe(true);
    }
    expect(TrainConfig.safeParse({ ...QUICK_PRESET, adversary: 'resnet18', adversaryPretrained: 'r18' }).success).toBe(true);
  });

  it('checks the rule between image size and backbone, and refuses keys it does not know', () => {
    expect(TrainConfig.safeParse({ ...QUICK_PRESET, backbone: 'resnet50', imageSize: 63 }).error?.issues).toEqual([
      expect.objectContaining({ path: ['imageSize'], message: expect.stringContaining('must be at least 64 for the resnet50 backbone') as unknown }),
    ]);
    expect(TrainConfig.safeParse({ ...QUICK_PRESET, backbone: 'resnet50', imageSize: 64 }).success).toBe(true);
    expect(TrainConfig.safeParse({ ...QUICK_PRESET, gamma: 1 }).success).toBe(false);
    const { hflip: _, ...withoutHflip } = QUICK_PRESET;
    expect(TrainConfig.safeParse(withoutHflip).success).toBe(false); // strict: a caller gives every setting
  });

  it('reads a stored config leniently: missing settings get their defaults, unknown ones are refused', () => {
    const { hflip: _h, workers: _w, pretrained: _p, adversaryPretrained: _a, ...old } = QUICK_PRESET;
    expect(StoredTrainConfig.parse(old)).toEqual({ ...QUICK_PRESET, hflip: DEFAULTS.hflip, workers: DEFAULTS.workers, pretrained: null, adversaryPretrained: null });
    expect([DEFAULTS.pretrained, DEFAULTS.adversaryPretrained]).toEqual([null, null]); // runs before weights were a setting trained from scratch
    expect(StoredTrainConfig.safeParse({ ...old, gamma: 1 }).error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['gamma'] });
    expect(StoredTrainConfig.safeParse({ ...old, imageSize: 4 }).success).toBe(false);
  });

  it('makes every preset a full config from the defaults and its own differences', () => {
    expect(PresetId.options).toEqual(Object.keys(PRESET_TABLE));
    for (const id of PresetId.options) {
      expect(TrainConfig.parse(PRESETS[id])).toEqual(PRESETS[id]);
      expect(PRESETS[id]).toEqual({ ...DEFAULTS, ...PRESET_TABLE[id].settings });
      expect(PRESET_TABLE[id].label.length).toBeGreaterThan(0);
    }
    // The CPU recipe of bench/quality-research.md.
    expect(QUICK_PRESET).toMatchObject({ backbone: 'tiny', adversary: 'none', imageSize: 48, cropMinScale: 0.5, optimizer: 'adam', lr: 3e-3, lrSchedule: 'one-cycle', timeBudget: 2.5 });
  });

  it('declares every setting with a label, a help line and a default its own schema accepts', () => {
    for (const key of SETTING_KEYS) {
      const s = SETTINGS[key];
      expect(s.label.length, key).toBeGreaterThan(0);
      expect(s.help.length, key).toBeGreaterThan(10);
      expect((s.schema as { safeParse(v: unknown): { success: boolean } }).safeParse(s.default).success, key).toBe(true);
    }
  });
});
