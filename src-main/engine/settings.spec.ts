import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKBONE_STRIDE, DEFAULTS, ENGINE_SETTING_KEYS, SETTING_KEYS, SETTINGS, settingOf, TrainConfig, type SettingKey } from '@shared/domain/train-config';
import { PAPER_PRESET, QUICK_PRESET } from '@shared/domain/train-presets';
import { createBackbone } from './backbones';
import { ParamStore } from './params';
import { makeRng } from './rng';
import { ConfigError, ENGINE_CONSTANTS, checkEngineConfig, engineConfig, optimizerConfig } from './settings';
import { testEngineConfig } from '../testing/engine-config';
import { useTestBackend } from '../testing/tf-backend';

/** A valid value of `key` different from `config[key]`, from its table entry alone. */
function anotherValue(key: SettingKey, config: TrainConfig): unknown {
  const s = settingOf(key);
  const now = config[key];
  switch (s.kind) {
    case 'choice':
      return s.options.find((o) => o !== now && TrainConfig.safeParse({ ...config, [key]: o }).success);
    case 'bool':
      return !now;
    case 'text':
      return `${String(now)}-other`;
    case 'int-or-null':
      return now === null ? s.min : null;
    case 'float-or-null':
      return now === null ? s.min + (s.step ?? 1) : null;
    case 'text-or-null':
      return now === null ? 'some-weights' : null;
    default: {
      const next = s.max !== undefined && (now as number) >= s.max ? s.min + (s.exclusiveMin ? (s.kind === 'int' ? 1 : 0.5) : 0) : (now as number) + (s.kind === 'int' ? 1 : (s.step ?? 0.01));
      return s.max !== undefined ? Math.min(next, s.max) : next;
    }
  }
}

describe('engine settings', () => {
  it('are the paper defaults (DESIGN §1) from the one table', () => {
    const c = engineConfig(PAPER_PRESET, 20);
    expect([c.alpha, c.beta, c.omega, c.sigma]).toEqual([0.05, 1e-5, 100, 0.5]);
    expect(optimizerConfig(c)).toMatchObject({ kind: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
    expect([PAPER_PRESET.batchSize, c.imageSize, PAPER_PRESET.epochs, c.locSteps, c.advSteps]).toEqual([16, 448, 10, 200, 200]);
    expect([c.camMethod, c.adversary, c.cropMinScale, c.backbone]).toEqual(['gradcam', 'resnet18', 0.08, 'resnet50']);
    expect([c.bnMomentum, c.bnEpsilon, c.hflip]).toEqual([0.1, 1e-5, true]);
    expect(PAPER_PRESET).toEqual(DEFAULTS);
  });

  it('build each optimizer from the settings and the reference’s constants', () => {
    expect(optimizerConfig(engineConfig({ ...QUICK_PRESET, optimizer: 'adam', lr: 1e-3, weightDecay: 0 }, 2))).toEqual({ kind: 'adam', lr: 1e-3, momentum: 0.9, weightDecay: 0, beta1: 0.5, beta2: 0.999, rho: 0.99, epsilon: 1e-8 });
    expect(optimizerConfig(engineConfig({ ...QUICK_PRESET, optimizer: 'rmsprop', weightDecay: 1e-3 }, 2))).toMatchObject({ kind: 'rmsprop', weightDecay: 1e-3, rho: 0.99 });
    expect(QUICK_PRESET.backbone).toBe('tiny');
    expect(QUICK_PRESET.imageSize).toBeLessThanOrEqual(96);
  });

  it('refuse bad input with a ConfigError naming the setting', () => {
    expect(() => engineConfig(QUICK_PRESET, 0)).toThrow(ConfigError);
    expect(() => engineConfig(QUICK_PRESET, 0)).toThrow(/foreground class/);
    expect(() => engineConfig({ ...QUICK_PRESET, backbone: 'vgg' as never }, 3)).toThrow(/backbone/);
    expect(() => engineConfig({ ...QUICK_PRESET, lr: -1 }, 3)).toThrow(/lr must be more than 0/);
    expect(() => engineConfig({ ...QUICK_PRESET, imageSize: 8 }, 3)).toThrow(ConfigError);
    expect(() => checkEngineConfig({ ...testEngineConfig({ numClasses: 2 }), numClasses: 0 })).toThrow(/numClasses/);
    expect(() => checkEngineConfig({ ...testEngineConfig({ numClasses: 2 }), sigma: 2 })).toThrow(/sigma must be at most 1/);
    expect(() => checkEngineConfig({ ...testEngineConfig({ numClasses: 2 }), bnEpsilon: Number.NaN })).toThrow(/bnEpsilon/);
  });

  it('are exactly the engine settings of the table, each copied, plus the engine constants', () => {
    const withAdversary = { ...QUICK_PRESET, adversary: 'tiny' } as const; // adversaryPretrained needs a network of its own
    const base = engineConfig(withAdversary, 2);
    expect(Object.keys(base).sort()).toEqual([...ENGINE_SETTING_KEYS, ...Object.keys(ENGINE_CONSTANTS), 'numClasses'].sort());
    for (const key of SETTING_KEYS) {
      const value = anotherValue(key, withAdversary);
      expect(value, key).not.toBeUndefined();
      const changed = { ...withAdversary, [key]: value } as TrainConfig;
      expect(TrainConfig.safeParse(changed).success, `${key} = ${String(value)}`).toBe(true);
      const derived = engineConfig(changed, 2) as Record<string, unknown>;
      if (SETTINGS[key].consumer === 'engine') expect(derived[key], key).toEqual(value);
      else expect(derived, `${key} is a trainer setting: it must not change the engine config`).toEqual(base);
    }
  });

  it('are each read where the table says: every engine setting in the engine, every trainer setting in the trainer', () => {
    // The silent failure this guards against: a setting validated, saved and shown, but read by nobody.
    const sources = (dir: string): string =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n');
    const engine = sources(import.meta.dirname);
    const trainer = sources(join(import.meta.dirname, '..', 'trainer'));
    for (const key of SETTING_KEYS) {
      const read = new RegExp(`\\.${key}\\b`);
      expect(read.test(SETTINGS[key].consumer === 'engine' ? engine : trainer), `${key} (consumer ${SETTINGS[key].consumer}) is never read`).toBe(true);
    }
  });

  it('know each backbone’s stride as the engine builds it', async () => {
    await useTestBackend('cpu');
    // resnet50 and resnet101 come from the same createResnet as resnet18 (backbones.spec checks resnet50's 32 too).
    for (const kind of ['tiny', 'resnet18'] as const) {
      const store = new ParamStore();
      expect(createBackbone(kind, store, makeRng(0), { momentum: 0.1, epsilon: 1e-5 }).stride, kind).toBe(BACKBONE_STRIDE[kind]);
      store.dispose();
    }
  });
});
