/**
 * `eader train` / `eader demo` flags → a checked TrainConfig: a preset, then the flags given on
 * top. One flag per setting of the table (src-shared/domain/train-config.ts), made in a loop: a new
 * setting gets its flag, its parsing and its help line from its table entry.
 */
import { Option, type Command } from 'commander';
import { flagOf, isNullableNumber, type Setting } from '@shared/domain/setting-kinds';
import { BackendChoice, PRESETS, PresetId, SETTING_KEYS, SETTINGS, TrainConfig, settingOf, type SettingKey } from '@shared/domain/train-config';
import { applyPreset, presetPreferences, type PresetWeights } from '@shared/domain/preset-weights';
import { IMAGENET_RELEASES, type ReleaseKey, type WeightsEntry } from '@shared/domain/weights';
import { parseBackendChoice } from '../engine/backend/backend-names';
import { ConfigError } from '../engine/settings';

/** Commander's options object: `preset`, and each setting's flag under its camel-case name (`--cam` → `cam`). */
export type TrainFlags = { preset: string } & { [attribute: string]: string | boolean | undefined };

/** The options-object name commander gives a flag: `image-size` → `imageSize`. */
function attributeOf(key: SettingKey): string {
  return flagOf(key, SETTINGS[key]).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Settings whose text is not just the table's value (aliases). */
const PARSERS: Partial<Record<SettingKey, (text: string) => unknown>> = {
  backend: (text) => {
    try {
      return parseBackendChoice(text);
    } catch {
      throw new ConfigError(`--backend must be one of ${BackendChoice.options.join(', ')} (or an alias such as gpu, node or dawn); got "${text}".`);
    }
  },
};

/** A setting's value as the CLI and the docs spell it (null → its null word, booleans → on/off). */
export function shown(value: unknown, setting: Setting): string {
  if (value === null && (isNullableNumber(setting) || setting.kind === 'text-or-null')) return setting.nullWord;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/**
 * A preset's value of a setting as the help and the docs show it: its own value, and what its
 * weight preferences make of it when the store holds them (`resnet101 / resnet50 if stored, else none`).
 */
export function presetShown(id: PresetId, key: SettingKey): string {
  const own = shown(PRESETS[id][key], settingOf(key));
  const preferences = Object.entries(presetPreferences(id)) as [SettingKey, readonly ReleaseKey[]][];
  const direct = preferences.find(([setting]) => setting === key)?.[1];
  if (direct?.length) return `ImageNet ${direct.join(' / ')} if stored, else ${own}`;
  const alternatives = preferences
    .filter(([setting]) => (SETTINGS[setting] as { weightsFor?: string }).weightsFor === key)
    .flatMap(([, releases]) => releases.map((r) => IMAGENET_RELEASES[r].backbone))
    .filter((backbone, i, all) => backbone !== own && all.indexOf(backbone) === i);
  return alternatives.length ? `${own} (${alternatives.join(' / ')} with its ImageNet weights stored)` : own;
}

/** The help line: the table's help, then each preset's value. */
function description(key: SettingKey): string {
  const setting = settingOf(key);
  const values = PresetId.options.map((id) => [id, presetShown(id, key)] as const);
  const same = values.every(([, v]) => v === values[0]?.[1]);
  const defaults = same ? `default ${values[0]?.[1] ?? ''}` : values.map(([id, v]) => `${id}: ${v}`).join(', ');
  return `${setting.help} [${defaults}]`;
}

/** The value placeholder after a flag: `<n>`, `<x>`, `<name>`, `<n|none>`. */
export function placeholder(setting: Setting): string {
  if (setting.kind === 'int-or-null') return `<n|${setting.nullWord}>`;
  if (setting.kind === 'float-or-null') return `<x|${setting.nullWord}>`;
  if (setting.kind === 'text-or-null') return setting.weightsFor ? `<name|file|${setting.nullWord}>` : `<text|${setting.nullWord}>`;
  if (setting.kind === 'int') return '<n>';
  if (setting.kind === 'float') return '<x>';
  return '<name>';
}

/** Adds the preset and every setting's flag (shared by `train` and `demo`). */
export function addTrainConfigOptions(cmd: Command, defaultPreset: PresetId): Command {
  cmd.addOption(new Option('--preset <name>', 'starting point for every setting').choices(PresetId.options).default(defaultPreset));
  for (const key of SETTING_KEYS) {
    const setting = settingOf(key);
    const flag = flagOf(key, setting);
    if (setting.kind === 'bool') {
      cmd.addOption(new Option(`--${flag}`, description(key)));
      cmd.addOption(new Option(`--no-${flag}`, `turn ${flag} off`));
      continue;
    }
    const option = new Option(`--${flag} ${placeholder(setting)}`, description(key));
    if (setting.kind === 'choice' && !PARSERS[key]) option.choices(setting.options.map(String));
    cmd.addOption(option);
  }
  return cmd;
}

/** One flag's text → the setting's value (bounds are checked afterwards, with the whole config). */
function parseFlag(key: SettingKey, raw: string | boolean): unknown {
  const setting = settingOf(key);
  const flag = `--${flagOf(key, setting)}`;
  if (typeof raw === 'boolean') {
    if (setting.kind !== 'bool') throw new ConfigError(`${flag} needs a value.`);
    return raw;
  }
  const custom = PARSERS[key];
  if (custom) return custom(raw);
  if (setting.kind === 'bool') throw new ConfigError(`${flag} takes no value (use --no-${flagOf(key, setting)} to turn it off).`);
  if (setting.kind === 'choice' || setting.kind === 'text') return raw;
  if (setting.kind === 'text-or-null') return raw.trim().toLowerCase() === setting.nullWord ? null : raw;
  if (isNullableNumber(setting) && raw.trim().toLowerCase() === setting.nullWord) return null;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    const also = isNullableNumber(setting) ? ` or "${setting.nullWord}"` : '';
    throw new ConfigError(`${flag} must be a number${also}, got "${raw}".`);
  }
  return value;
}

/** The config of a preset and flags (`configFromFlags`), with what the preset took from the weights store. */
export interface FlagsConfig {
  config: TrainConfig;
  preset: PresetId;
  weights: PresetWeights;
}

/**
 * The preset applied against the weights store's `entries` (its preferred ImageNet weights, when
 * stored: src-shared/domain/preset-weights.ts), then every flag given on top.
 */
export function trainConfigFromFlags(flags: TrainFlags, entries: readonly WeightsEntry[] = []): FlagsConfig {
  const parsedPreset = PresetId.safeParse(flags.preset);
  if (!parsedPreset.success) throw new ConfigError(`Unknown preset "${flags.preset}"; use one of ${PresetId.options.join(', ')}.`);
  const preset = parsedPreset.data;
  const values: Partial<Record<SettingKey, unknown>> = {};
  for (const key of SETTING_KEYS) {
    const raw = flags[attributeOf(key)];
    if (raw !== undefined) values[key] = parseFlag(key, raw);
  }
  const applied = applyPreset(preset, entries, values);
  const merged: Record<string, unknown> = { ...applied.config, ...values };
  const given = new Set(Object.keys(values) as SettingKey[]);
  const parsed = TrainConfig.safeParse(merged);
  if (parsed.success) return { config: parsed.data, preset, weights: applied.weights };
  const issue = parsed.error.issues[0];
  const key = issue?.path[0] as SettingKey | undefined;
  if (!issue || key === undefined || !(key in SETTINGS)) throw new ConfigError(`Invalid training settings: ${issue?.message ?? 'invalid'}.`);
  const value = shown(merged[key], settingOf(key));
  const origin = given.has(key) ? value : `${value}, the ${preset} preset's`;
  throw new ConfigError(`Invalid --${flagOf(key, SETTINGS[key])} (${origin}): ${issue.message}.`);
}

/** A preset and flags → a checked TrainConfig (see trainConfigFromFlags). */
export function configFromFlags(flags: TrainFlags, entries: readonly WeightsEntry[] = []): TrainConfig {
  return trainConfigFromFlags(flags, entries).config;
}

/** What the preset did with the weights store, one line each (the CLI prints them before training). */
export function presetWeightsLines({ preset, weights }: Pick<FlagsConfig, 'preset' | 'weights'>): string[] {
  const network = (setting: string): string => (setting === 'pretrained' ? 'localizer' : 'adversary');
  return [
    ...weights.used.map((u) => `The ${preset} preset starts the ${network(u.setting)} from ImageNet weights ${u.entry} (release ${u.release}, from the weights store).`),
    ...weights.missing.map(
      (m) => `The ${preset} preset trains the ${network(m.setting)} from scratch: the weights store has no ImageNet ${m.release} weights (eader weights download ${m.release}).`,
    ),
  ];
}
