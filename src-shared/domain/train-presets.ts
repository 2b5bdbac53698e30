/**
 * The presets of the training settings (train-config.ts has the table they draw on): each names
 * only the settings that differ from the table's defaults, and may prefer ImageNet weights the
 * weights store holds (applied by preset-weights.ts). Adding a preset is one entry in PRESET_TABLE.
 */
import { z } from 'zod';
import { DEFAULTS, TrainConfig } from './train-config';
import type { ReleaseKey } from './weights';

/** The settings that name pretrained weights (kind text-or-null with `weightsFor`). */
export type WeightsSettingKey = 'pretrained' | 'adversaryPretrained';
export const WEIGHTS_SETTING_KEYS: readonly WeightsSettingKey[] = ['pretrained', 'adversaryPretrained'];

interface PresetSpec {
  label: string;
  description: string;
  /** The settings that differ from the table's defaults. */
  settings: Partial<TrainConfig>;
  /**
   * Weights the preset prefers, when the weights store holds them: per weights setting, ImageNet
   * releases in order of preference (the download table, src-shared/domain/weights.ts). Applying the
   * preset (src-shared/domain/preset-weights.ts) takes the first release the store holds, sets the
   * setting to that entry and the network it loads into to its backbone; with none, the preset's
   * own settings stand (from scratch) and the missing release is named. `settings` alone is what
   * the preset is without weights, and what PRESETS holds.
   */
  weights?: Partial<Record<WeightsSettingKey, readonly ReleaseKey[]>>;
}

/** The presets, by id; the first is the default of `eader train` and of the Training area. */
export const PRESET_TABLE = {
  paper: {
    label: 'Paper (GPU, 448 px, ResNet)',
    description:
      'The paper’s settings: at 448 px, SGD, 10 epochs, an ImageNet ResNet-101 localizer and ResNet-18 adversary when the weights store holds them (eader weights download resnet101, resnet18); without them, ResNet-50 (standing in for ResNet-101) and ResNet-18 from scratch. Needs a GPU backend to finish in hours.',
    settings: {},
    weights: { pretrained: ['resnet101', 'resnet50'], adversaryPretrained: ['resnet18'] },
  },
  quick: {
    label: 'Quick (CPU, 48 px, tiny, 2.5 min)',
    description:
      'The recipe that learns on two CPU cores in minutes (bench/quality-research.md): the tiny localizer on 48 px crops (min scale 0.5) without an adversary (at this budget it costs more epochs than it gives), Adam at 3e-3 on a one-cycle schedule planned over a 2.5-minute time budget (at most 15 epochs). Infer with PAR (--refine par). `eader demo` trains with it.',
    settings: {
      imageSize: 48,
      batchSize: 16,
      epochs: 15,
      timeBudget: 2.5,
      backbone: 'tiny',
      adversary: 'none',
      optimizer: 'adam',
      lr: 3e-3,
      lrSchedule: 'one-cycle',
      cropMinScale: 0.5,
      checkpointEvery: 500,
      sampleEvery: 250,
      cacheMaxSide: 160,
    },
  },
} as const satisfies Record<string, PresetSpec>;

export type PresetId = keyof typeof PRESET_TABLE;
export const PresetId = z.enum(Object.keys(PRESET_TABLE) as [PresetId, ...PresetId[]]);

/** Each preset's full config (checked when this module loads: a bad preset fails every test). */
export const PRESETS = Object.fromEntries(
  PresetId.options.map((id) => [id, TrainConfig.parse({ ...DEFAULTS, ...PRESET_TABLE[id].settings })]),
) as Record<PresetId, TrainConfig>;
export const PAPER_PRESET = PRESETS.paper;
export const QUICK_PRESET = PRESETS.quick;
