import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { flagOf } from '@shared/domain/setting-kinds';
import { SETTING_KEYS, SETTINGS } from '@shared/domain/train-config';
import { PAPER_PRESET, QUICK_PRESET } from '@shared/domain/train-presets';
import { ConfigError } from '../engine/settings';
import type { WeightsEntry } from '@shared/domain/weights';
import { addTrainConfigOptions, configFromFlags, placeholder, presetWeightsLines, trainConfigFromFlags, type TrainFlags } from './train-options';
import { ProgressPrinter } from './train-progress';

describe('train flags', () => {
  it('starts from the preset and applies the given flags', () => {
    expect(configFromFlags({ preset: 'paper' })).toEqual(PAPER_PRESET);
    const config = configFromFlags({ preset: 'quick', epochs: '5', lr: '0.02', backend: 'gpu', maxSteps: '40', adversary: 'shared' });
    expect(config).toEqual({ ...QUICK_PRESET, epochs: 5, lr: 0.02, backend: 'tensorflow-gpu', maxSteps: 40, adversary: 'shared' });
  });

  it('rejects bad values with the flag name', () => {
    expect(() => configFromFlags({ preset: 'quick', batchSize: 'eight' })).toThrow('--batch-size must be a number');
    expect(() => configFromFlags({ preset: 'quick', sigma: '1.5' })).toThrow(/sigma/);
    expect(() => configFromFlags({ preset: 'quick', backend: 'tpu' })).toThrow(/--backend must be one of/);
    expect(() => configFromFlags({ preset: 'huge' })).toThrow(/Unknown preset/);
  });

  it('refuses an image size the backbone cannot take, naming the flag and where the value came from', () => {
    // Before the settings table, --image-size 1…15 passed here and failed later in the trainer.
    for (const size of ['1', '8', '15']) expect(() => configFromFlags({ preset: 'quick', imageSize: size })).toThrow(`Invalid --image-size (${size}): must be at least 16.`);
    expect(() => configFromFlags({ preset: 'quick', imageSize: '16' })).not.toThrow();
    expect(() => configFromFlags({ preset: 'quick', backbone: 'resnet18', imageSize: '32' })).toThrow(/^Invalid --image-size \(32\): must be at least 64 for the resnet18 backbone/);
    expect(configFromFlags({ preset: 'quick', backbone: 'resnet18', imageSize: '80' }).imageSize).toBe(80);
    expect(() => configFromFlags({ preset: 'quick', backbone: 'resnet18' })).toThrow(/^Invalid --image-size \(48, the quick preset's\): must be at least 64 for the resnet18 backbone/);
    expect(() => configFromFlags({ preset: 'quick', imageSize: '2.5' })).toThrow('Invalid --image-size (2.5): must be a whole number.');
    expect(() => configFromFlags({ preset: 'quick', lr: '0' })).toThrow('Invalid --lr (0): must be more than 0.');
    expect(() => configFromFlags({ preset: 'quick', seed: '-1' })).toThrow(ConfigError);
  });

  it('has a flag for every setting, including the ones that had none', () => {
    const cmd = addTrainConfigOptions(new Command('t').exitOverride(), 'quick');
    const longs = cmd.options.map((o) => o.long);
    for (const key of SETTING_KEYS) expect(longs).toContain(`--${flagOf(key, SETTINGS[key])}`);
    expect(longs).toEqual(expect.arrayContaining(['--sample-images', '--cache-max-side', '--workers', '--cam', '--image-size']));
    const flags = cmd.parse(['--sample-images', '2', '--cache-max-side', '96', '--workers', '1', '--max-steps', 'none', '--cam', 'cam'], { from: 'user' }).opts<TrainFlags>();
    expect(configFromFlags(flags)).toEqual({ ...QUICK_PRESET, sampleImages: 2, cacheMaxSide: 96, workers: 1, maxSteps: null, camMethod: 'cam' });
    expect(configFromFlags({ preset: 'quick', workers: 'auto' }).workers).toBeNull();
    // An on/off setting gets --x and --no-x; given neither, the preset's value stands.
    expect(configFromFlags(addTrainConfigOptions(new Command('t'), 'quick').parse(['--no-hflip'], { from: 'user' }).opts<TrainFlags>()).hflip).toBe(false);
    expect(configFromFlags(addTrainConfigOptions(new Command('t'), 'quick').parse(['--hflip'], { from: 'user' }).opts<TrainFlags>()).hflip).toBe(true);
    expect(addTrainConfigOptions(new Command('t'), 'quick').parse([], { from: 'user' }).opts<TrainFlags>().hflip).toBeUndefined();
    expect(() => configFromFlags({ preset: 'quick', workers: '3' })).toThrow('Invalid --workers (3): must be at most 2.');
    expect(() => configFromFlags({ preset: 'quick', maxSteps: 'lots' })).toThrow('--max-steps must be a number or "none", got "lots".');
    // A choice outside the enum is refused by commander itself, with the choices listed.
    expect(() => addTrainConfigOptions(new Command('t').exitOverride().configureOutput({ writeErr: () => undefined }), 'quick').parse(['--optimizer', 'lbfgs'], { from: 'user' })).toThrow(/Allowed choices are sgd, adam, rmsprop/);
  });
});

describe('weights flags and the paper preset', () => {
  const r101 = { name: 'resnet101', backbone: 'resnet101' as const, sha256: '63fe2227'.padEnd(64, 'a') };
  const entries = [{ ...r101 } as unknown as WeightsEntry];

  it('reads --pretrained NAME|FILE|none and --adversary-pretrained', () => {
    const cmd = addTrainConfigOptions(new Command('t').exitOverride(), 'quick');
    const flags = cmd.parse(['--pretrained', 'my-tiny', '--adversary', 'tiny', '--adversary-pretrained', './w/tiny.pth'], { from: 'user' }).opts<TrainFlags>();
    expect(configFromFlags(flags)).toMatchObject({ pretrained: 'my-tiny', adversaryPretrained: './w/tiny.pth' });
    expect(configFromFlags({ preset: 'quick', pretrained: 'NONE' }).pretrained).toBeNull();
    expect(() => configFromFlags({ preset: 'quick', adversary: 'shared', adversaryPretrained: 'x' })).toThrow(
      'Invalid --adversary-pretrained (x): needs an adversary network of its own (tiny or resnet18), but the adversary is shared.',
    );
    expect(placeholder(SETTINGS.pretrained)).toBe('<name|file|none>');
  });

  it('the paper preset takes the ImageNet weights the store holds, unless a flag says otherwise, and says which', () => {
    const applied = trainConfigFromFlags({ preset: 'paper' }, entries);
    expect(applied.config).toEqual({ ...PAPER_PRESET, backbone: 'resnet101', pretrained: 'resnet101' });
    expect(presetWeightsLines(applied)).toEqual([
      'The paper preset starts the localizer from ImageNet weights resnet101 (release resnet101, from the weights store).',
      'The paper preset trains the adversary from scratch: the weights store has no ImageNet resnet18 weights (eader weights download resnet18).',
    ]);
    expect(trainConfigFromFlags({ preset: 'paper', pretrained: 'none' }, entries).config).toEqual(PAPER_PRESET);
    expect(trainConfigFromFlags({ preset: 'paper', pretrained: 'r50' }, entries).config).toMatchObject({ backbone: 'resnet50', pretrained: 'r50' });
    expect(trainConfigFromFlags({ preset: 'paper', backbone: 'resnet50' }, entries).config).toMatchObject({ backbone: 'resnet50', pretrained: null });
    expect(configFromFlags({ preset: 'paper' })).toEqual(PAPER_PRESET); // an empty store: from scratch
  });
});

describe('progress printer', () => {
  const progress = { type: 'progress' as const, step: 5, totalSteps: 10, epoch: 0, epochs: 2, phase: 'localizer' as const, losses: { bce: 0.5, reg: 1e-6, adv: 0.02, advBce: 0.4, total: 0.52 }, imagesPerSecond: 12, etaSeconds: 65, numTensors: 150, backend: 'wasm', elapsedSeconds: 3 };

  it('redraws one line on a TTY and ends it before a plain message', () => {
    const out: string[] = [];
    const printer = new ProgressPrinter({ isTTY: true, columns: 200, write: (t) => out.push(t) });
    printer.handle(progress);
    printer.handle({ ...progress, step: 6 });
    printer.handle({ type: 'checkpoint', step: 6, path: '/r/c', best: true });
    expect(out[0]!.startsWith('\r\x1b[2K')).toBe(true);
    // The engine's own term names, in LossTerms order (no dead map of names nobody sends).
    expect(out[0]).toMatch(/ 5\/10 ep 1\/2 loc \| bce 0\.500 reg 0\.000 adv 0\.020 advBce 0\.400 total 0\.520 \| 12\.0 img\/s eta 1:05 \| 150 tensors$/);
    expect(out[1]).toContain(' 6/10 ');
    expect(out[2]).toBe('\r\x1b[2K');
    expect(out[3]).toBe('checkpoint at step 6 (best so far): /r/c\n');
  });

  it('throttles plain lines when not a TTY, but always prints the last step', () => {
    const out: string[] = [];
    const printer = new ProgressPrinter({ isTTY: false, write: (t) => out.push(t) }, 60_000);
    printer.handle(progress);
    printer.handle({ ...progress, step: 6 });
    printer.handle({ ...progress, step: 10 });
    expect(out).toHaveLength(2);
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  });
});
