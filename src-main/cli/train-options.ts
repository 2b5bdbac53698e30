/**
 * Command-line flags of a settings table → a checked config: a preset, then the flags given on top.
 * One flag per setting of the table, made in a loop: a new setting gets its flag, its parsing and
 * its help line from its table entry. `eader train` / `eader demo` use the localizer's table
 * (src-shared/domain/train-config.ts), `eader segment` the segmenter's (segmenter-config.ts).
 */
import { Option, type Command } from 'commander';
import { flagOf, isNullable, type Setting } from '@shared/domain/setting-kinds';
import type { SettingsTable } from '@shared/domain/settings-table';
import { BackendChoice, SETTING_KEYS, SETTINGS, TrainConfig, settingOf, type SettingKey } from '@shared/domain/train-config';
import { PRESET_TABLE, PRESETS, PresetId } from '@shared/domain/train-presets';
import { applyPreset, presetPreferences, type PresetWeights } from '@shared/domain/preset-weights';
import { IMAGENET_RELEASES, type ReleaseKey, type WeightsEntry } from '@shared/domain/weights';
import { parseBackendChoice } from '../engine/backend/backend-names';
import { ConfigError } from '../engine/settings';

/** Commander's options object: `preset`, and each setting's flag under its camel-case name (`--cam` → `cam`). */
export type TrainFlags = { preset: string } & { [attribute: string]: string | boolean | undefined };

/** The localizer's table in the shape the generic parts take. */
export const TRAIN_TABLE: SettingsTable<SettingKey, TrainConfig> = {
  title: 'training settings',
  keys: SETTING_KEYS,
  entry: settingOf,
  schema: TrainConfig,
  presetIds: PresetId.options,
  presets: PRESETS,
  presetLabels: PRESET_TABLE,
};

/** The options-object name commander gives a flag: `image-size` → `imageSize`. */
function attributeOf(table: SettingsTable, key: string): string {
  return flagOf(key, table.entry(key)).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Settings whose text is not just the table's value (aliases), by key in any table. */
const PARSERS: Partial<Record<string, (text: string) => unknown>> = {
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
  if (value === null && isNullable(setting)) return setting.nullWord;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/**
 * A preset's value of a localizer setting as the help and the docs show it: its own value, and what
 * its weight preferences make of it when the store holds them (`resnet101 / resnet50 if stored, else none`).
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

/** A preset's value of a setting as shown (the table's own value unless the table says more). */
export type PresetValueText = (presetId: string, key: string) => string;

const tableValue =
  (table: SettingsTable): PresetValueText =>
  (id, key) =>
    shown(table.presets[id]?.[key], table.entry(key));

/** The localizer's: what the weight preferences make of a preset's value. */
export const trainPresetValue: PresetValueText = (id, key) => presetShown(id as PresetId, key as SettingKey);

/** The help line: the table's help, then each preset's value. */
function description(table: SettingsTable, key: string, valueText: PresetValueText): string {
  const setting = table.entry(key);
  const values = table.presetIds.map((id) => [id, valueText(id, key)] as const);
  const same = values.every(([, v]) => v === values[0]?.[1]);
  const defaults = same ? `default ${values[0]?.[1] ?? ''}` : values.map(([id, v]) => `${id}: ${v}`).join(', ');
  return `${setting.help} [${defaults}]`;
}

/** The value placeholder after a flag: `<n>`, `<x>`, `<name>`, `<n|none>`, `<x|none>`. */
export function placeholder(setting: Setting): string {
  if (setting.kind === 'int-or-null') return `<n|${setting.nullWord}>`;
  if (setting.kind === 'float-or-null') return `<x|${setting.nullWord}>`;
  if (setting.kind === 'text-or-null') return setting.weightsFor ? `<name|file|${setting.nullWord}>` : `<text|${setting.nullWord}>`;
  if (setting.kind === 'int') return '<n>';
  if (setting.kind === 'float') return '<x>';
  return '<name>';
}

/** Adds `--preset` and every setting's flag of `table`. */
export function addSettingOptions(cmd: Command, table: SettingsTable, defaultPreset: string, valueText: PresetValueText = tableValue(table)): Command {
  cmd.addOption(new Option('--preset <name>', 'starting point for every setting').choices([...table.presetIds]).default(defaultPreset));
  for (const key of table.keys) {
    const setting = table.entry(key);
    const flag = flagOf(key, setting);
    if (setting.kind === 'bool') {
      cmd.addOption(new Option(`--${flag}`, description(table, key, valueText)));
      cmd.addOption(new Option(`--no-${flag}`, `turn ${flag} off`));
      continue;
    }
    const option = new Option(`--${flag} ${placeholder(setting)}`, description(table, key, valueText));
    if (setting.kind === 'choice' && !PARSERS[key]) option.choices(setting.options.map(String));
    cmd.addOption(option);
  }
  return cmd;
}

/** Adds the preset and every setting's flag (shared by `train` and `demo`). */
export const addTrainConfigOptions = (cmd: Command, defaultPreset: PresetId): Command => addSettingOptions(cmd, TRAIN_TABLE, defaultPreset, trainPresetValue);

/** One flag's text → the setting's value (bounds are checked afterwards, with the whole config). */
function parseFlag(key: string, setting: Setting, raw: string | boolean): unknown {
  const flag = `--${flagOf(key, setting)}`;
  if (typeof raw === 'boolean') {
    if (setting.kind !== 'bool') throw new ConfigError(`${flag} needs a value.`);
    return raw;
  }
  const custom = PARSERS[key];
  if (custom) return custom(raw);
  if (setting.kind === 'bool') throw new ConfigError(`${flag} takes no value (use --no-${flagOf(key, setting)} to turn it off).`);
  if (setting.kind === 'choice' || setting.kind === 'text') return raw;
  if (isNullable(setting) && raw.trim().toLowerCase() === setting.nullWord) return null;
  if (setting.kind === 'text-or-null') return raw;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    const also = isNullable(setting) ? ` or "${setting.nullWord}"` : '';
    throw new ConfigError(`${flag} must be a number${also}, got "${raw}".`);
  }
  return value;
}

/** The keys whose flag was given. */
export function givenKeys(flags: TrainFlags, table: SettingsTable): string[] {
  return table.keys.filter((key) => flags[attributeOf(table, key)] !== undefined);
}

/** The values of the flags given, parsed (not yet checked together). */
function flagValues(flags: TrainFlags, table: SettingsTable): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of givenKeys(flags, table)) values[key] = parseFlag(key, table.entry(key), flags[attributeOf(table, key)]!);
  return values;
}

/** `merged` checked against the table; an error names the flag and where its value came from. */
function checked<C>(table: SettingsTable<string, C & Record<string, unknown>>, merged: Record<string, unknown>, given: Record<string, unknown>, preset: string): C {
  const parsed = table.schema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0];
  if (!issue || typeof key !== 'string' || !table.keys.includes(key)) throw new ConfigError(`Invalid ${table.title}: ${issue?.message ?? 'invalid'}.`);
  const value = shown(merged[key], table.entry(key));
  const origin = key in given ? value : `${value}, the ${preset} preset's`;
  throw new ConfigError(`Invalid --${flagOf(key, table.entry(key))} (${origin}): ${issue.message}.`);
}

function checkPreset(flags: TrainFlags, table: SettingsTable): string {
  if (!table.presetIds.includes(flags.preset)) throw new ConfigError(`Unknown preset "${flags.preset}"; use one of ${table.presetIds.join(', ')}.`);
  return flags.preset;
}

/** The preset's config with the given flags on top, checked. */
export function settingsFromFlags<C>(flags: TrainFlags, table: SettingsTable<string, C & Record<string, unknown>>): C {
  const preset = checkPreset(flags, table);
  const given = flagValues(flags, table);
  return checked(table, { ...table.presets[preset], ...given }, given, preset);
}

/** The config of a preset and flags (`configFromFlags`), with what the preset took from the weights store. */
export interface FlagsConfig {
  config: TrainConfig;
  preset: PresetId;
  weights: PresetWeights;
}

/**
 * The localizer's: the preset applied against the weights store's `entries` (its preferred
 * ImageNet weights, when stored: src-shared/domain/preset-weights.ts), then every flag given on top.
 */
export function trainConfigFromFlags(flags: TrainFlags, entries: readonly WeightsEntry[] = []): FlagsConfig {
  const preset = checkPreset(flags, TRAIN_TABLE) as PresetId;
  const given = flagValues(flags, TRAIN_TABLE) as Partial<Record<SettingKey, unknown>>;
  const applied = applyPreset(preset, entries, given);
  return { config: checked(TRAIN_TABLE, { ...applied.config, ...given }, given, preset), preset, weights: applied.weights };
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
