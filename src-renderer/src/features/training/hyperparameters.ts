/**
 * The settings form, derived from the one settings table (src-shared/domain/train-config.ts):
 * every setting, in its group, with its label, help, choices and bounds as the table declares them.
 */
import { SETTING_GROUPS, type Setting } from '@shared/domain/setting-kinds';
import { SETTING_KEYS, SETTINGS, type SettingKey } from '@shared/domain/train-config';

export interface FieldSpec {
  key: SettingKey;
  label: string;
  kind: Setting['kind'];
  help: string;
  options?: readonly string[];
  min?: number;
  max?: number;
  step?: number;
  /** For int-or-null, float-or-null and text-or-null fields: what an empty field means ("none", "auto"). */
  nullWord?: string;
  /** For weights fields: the setting naming the network they load into (the form offers the store's entries). */
  weightsFor?: SettingKey;
}

export interface FieldGroup {
  title: string;
  fields: FieldSpec[];
}

function field(key: SettingKey): FieldSpec {
  const s: Setting = SETTINGS[key];
  const spec: FieldSpec = { key, label: s.label, kind: s.kind, help: s.help };
  if (s.kind === 'choice') spec.options = s.options.map(String);
  if (s.kind === 'int' || s.kind === 'int-or-null' || s.kind === 'float' || s.kind === 'float-or-null') {
    spec.min = s.min;
    if (s.max !== undefined) spec.max = s.max;
    if (s.step !== undefined) spec.step = s.step;
  }
  if (s.kind === 'int-or-null' || s.kind === 'float-or-null' || s.kind === 'text-or-null') spec.nullWord = s.nullWord;
  if (s.kind === 'text-or-null' && s.weightsFor) spec.weightsFor = s.weightsFor as SettingKey;
  return spec;
}

export const FIELD_GROUPS: FieldGroup[] = (Object.keys(SETTING_GROUPS) as (keyof typeof SETTING_GROUPS)[]).map((group) => ({
  title: SETTING_GROUPS[group],
  fields: SETTING_KEYS.filter((key) => SETTINGS[key].group === group).map(field),
}));
