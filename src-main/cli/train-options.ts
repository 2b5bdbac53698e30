/**
 * Command-line flags of a settings table → a checked config: a preset, then the flags given on top.
 * One flag per setting of the table, made in a loop: a new setting gets its flag, its parsing and
 * its help line from its table entry. `eader train` / `eader demo` use the localizer's table
 * (src-shared/domain/train-config.ts), `eader segment` the segmenter's (segmenter-config.ts).
 */
import { Option, type Command } from 'commander';
import { flagOf, isNullable, type Setting } from '@shared/domain/setting-kinds';
import type { SettingsTable } from '@shared/domain/settings-table';
import { BackendChoice, PRESET_TABLE, PRESETS, PresetId, SETTING_KEYS, TrainConfig, settingOf, type SettingKey } from '@shared/domain/train-config';
import { parseBackendName } from '../engine/backend/backend-names';
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
    if (text.trim().toLowerCase() === 'auto') return 'auto';
    try {
      return parseBackendName(text);
    } catch {
      throw new ConfigError(`--backend must be one of ${BackendChoice.options.join(', ')} (or an alias such as gpu or node); got "${text}".`);
    }
  },
};

/** A setting's value as the CLI and the docs spell it (null → its null word, booleans → on/off). */
export function shown(value: unknown, setting: Setting): string {
  if (value === null && isNullable(setting)) return setting.nullWord;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/** The help line: the table's help, then each preset's value. */
function description(table: SettingsTable, key: string): string {
  const setting = table.entry(key);
  const values = table.presetIds.map((id) => [id, shown(table.presets[id]?.[key], setting)] as const);
  const same = values.every(([, v]) => v === values[0]?.[1]);
  const defaults = same ? `default ${values[0]?.[1] ?? ''}` : values.map(([id, v]) => `${id}: ${v}`).join(', ');
  return `${setting.help} [${defaults}]`;
}

/** The value placeholder after a flag: `<n>`, `<x>`, `<name>`, `<n|none>`, `<x|none>`. */
export function placeholder(setting: Setting): string {
  if (setting.kind === 'int-or-null') return `<n|${setting.nullWord}>`;
  if (setting.kind === 'float-or-null') return `<x|${setting.nullWord}>`;
  if (setting.kind === 'int') return '<n>';
  if (setting.kind === 'float') return '<x>';
  return '<name>';
}

/** Adds `--preset` and every setting's flag of `table`. */
export function addSettingOptions(cmd: Command, table: SettingsTable, defaultPreset: string): Command {
  cmd.addOption(new Option('--preset <name>', 'starting point for every setting').choices([...table.presetIds]).default(defaultPreset));
  for (const key of table.keys) {
    const setting = table.entry(key);
    const flag = flagOf(key, setting);
    if (setting.kind === 'bool') {
      cmd.addOption(new Option(`--${flag}`, description(table, key)));
      cmd.addOption(new Option(`--no-${flag}`, `turn ${flag} off`));
      continue;
    }
    const option = new Option(`--${flag} ${placeholder(setting)}`, description(table, key));
    if (setting.kind === 'choice' && !PARSERS[key]) option.choices(setting.options.map(String));
    cmd.addOption(option);
  }
  return cmd;
}

/** Adds the preset and every setting's flag (shared by `train` and `demo`). */
export const addTrainConfigOptions = (cmd: Command, defaultPreset: PresetId): Command => addSettingOptions(cmd, TRAIN_TABLE, defaultPreset);

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

/** The preset's config with the given flags on top, checked; an error names the flag and where its value came from. */
export function settingsFromFlags<C>(flags: TrainFlags, table: SettingsTable<string, C & Record<string, unknown>>): C {
  if (!table.presetIds.includes(flags.preset)) throw new ConfigError(`Unknown preset "${flags.preset}"; use one of ${table.presetIds.join(', ')}.`);
  const preset = flags.preset;
  const merged: Record<string, unknown> = { ...table.presets[preset] };
  const given = new Set<string>();
  for (const key of table.keys) {
    const raw = flags[attributeOf(table, key)];
    if (raw === undefined) continue;
    merged[key] = parseFlag(key, table.entry(key), raw);
    given.add(key);
  }
  const parsed = table.schema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0];
  if (!issue || typeof key !== 'string' || !table.keys.includes(key)) throw new ConfigError(`Invalid ${table.title}: ${issue?.message ?? 'invalid'}.`);
  const value = shown(merged[key], table.entry(key));
  const origin = given.has(key) ? value : `${value}, the ${preset} preset's`;
  throw new ConfigError(`Invalid --${flagOf(key, table.entry(key))} (${origin}): ${issue.message}.`);
}

export const configFromFlags = (flags: TrainFlags): TrainConfig => settingsFromFlags(flags, TRAIN_TABLE);
