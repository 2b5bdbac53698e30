/** `eader train` flags → a checked TrainConfig (a preset, then the flags given on top). */
import { Option, type Command } from 'commander';
import { PRESETS, TrainConfig, type PresetName } from '@shared/trainer-protocol';
import { AdversaryKind, BackboneKind } from '../engine/config';
import { BACKEND_ORDER, parseBackendChoice } from '../engine/backend/backend-names';

export interface TrainFlags {
  preset: string;
  epochs?: string;
  imageSize?: string;
  batchSize?: string;
  alpha?: string;
  beta?: string;
  omega?: string;
  sigma?: string;
  backbone?: string;
  adversary?: string;
  cam?: string;
  optimizer?: string;
  lr?: string;
  momentum?: string;
  weightDecay?: string;
  locSteps?: string;
  advSteps?: string;
  cropMinScale?: string;
  backend?: string;
  seed?: string;
  maxSteps?: string;
  trainSplit?: string;
  checkpointEvery?: string;
  keepCheckpoints?: string;
  sampleEvery?: string;
}

/** Adds the training-config flags (shared by `train` and `demo`). */
export function addTrainConfigOptions(cmd: Command, defaultPreset: PresetName): Command {
  return cmd
    .addOption(new Option('--preset <name>', 'starting point for every setting').choices(Object.keys(PRESETS)).default(defaultPreset))
    .option('--epochs <n>', 'epochs over the training split')
    .option('--max-steps <n>', 'stop after this many global steps')
    .option('--image-size <px>', 'square training crop size')
    .option('--batch-size <n>', 'images per step')
    .option('--alpha <x>', 'weight of the adversarial loss (paper: 0.05)')
    .option('--beta <x>', 'weight of the mean-cam regulariser (paper: 1e-5)')
    .option('--omega <x>', 'soft-mask sharpness ω (paper: 100)')
    .option('--sigma <x>', 'soft-mask threshold σ (paper: 0.5)')
    .addOption(new Option('--backbone <name>', 'localizer backbone').choices(BackboneKind.options))
    .addOption(
      new Option('--adversary <name>', 'adversary network; "shared": the localizer classifies the erased image; "none": no erasing loss').choices(
        AdversaryKind.options,
      ),
    )
    .addOption(new Option('--cam <method>', 'attention maps').choices(['gradcam', 'cam']))
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['sgd', 'adam', 'rmsprop']))
    .option('--lr <x>', 'learning rate')
    .option('--momentum <x>', 'SGD/RMSprop momentum')
    .option('--weight-decay <x>', 'L2 weight decay')
    .option('--loc-steps <n>', 'T_loc: localizer steps per block')
    .option('--adv-steps <n>', 'T_adv: adversary steps per block')
    .option('--crop-min-scale <x>', 'random-resized-crop minimum area fraction')
    .option('--backend <name>', `auto, ${BACKEND_ORDER.join(', ')} (EADER_BACKEND also works; a software WebGPU adapter only when forced)`)
    .option('--seed <n>', 'seed of shuffling, augmentation and initialisation')
    .option('--train-split <name>', 'split to train on')
    .option('--checkpoint-every <n>', 'steps between checkpoints')
    .option('--keep-checkpoints <n>', 'recent checkpoints kept (the best is kept besides)')
    .option('--sample-every <n>', 'steps between erasure-round samples (0 = none)');
}

function num(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`--${name} must be a number, got "${text}".`);
  return value;
}

export function configFromFlags(flags: TrainFlags): TrainConfig {
  const preset = PRESETS[flags.preset as PresetName];
  if (!preset) throw new Error(`Unknown preset "${flags.preset}".`);
  let backend: TrainConfig['backend'] | undefined;
  if (flags.backend !== undefined) {
    try {
      backend = parseBackendChoice(flags.backend);
    } catch {
      throw new Error(`--backend must be one of auto, ${BACKEND_ORDER.join(', ')}; got "${flags.backend}".`);
    }
  }
  const overrides: Record<string, unknown> = {
    epochs: num('epochs', flags.epochs),
    maxSteps: num('max-steps', flags.maxSteps),
    imageSize: num('image-size', flags.imageSize),
    batchSize: num('batch-size', flags.batchSize),
    alpha: num('alpha', flags.alpha),
    beta: num('beta', flags.beta),
    omega: num('omega', flags.omega),
    sigma: num('sigma', flags.sigma),
    backbone: flags.backbone,
    adversary: flags.adversary,
    camMethod: flags.cam,
    optimizer: flags.optimizer,
    lr: num('lr', flags.lr),
    momentum: num('momentum', flags.momentum),
    weightDecay: num('weight-decay', flags.weightDecay),
    locSteps: num('loc-steps', flags.locSteps),
    advSteps: num('adv-steps', flags.advSteps),
    cropMinScale: num('crop-min-scale', flags.cropMinScale),
    backend,
    seed: num('seed', flags.seed),
    trainSplit: flags.trainSplit,
    checkpointEvery: num('checkpoint-every', flags.checkpointEvery),
    keepCheckpoints: num('keep-checkpoints', flags.keepCheckpoints),
    sampleEvery: num('sample-every', flags.sampleEvery),
  };
  const merged: Record<string, unknown> = { ...preset };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  const parsed = TrainConfig.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid training setting ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}
