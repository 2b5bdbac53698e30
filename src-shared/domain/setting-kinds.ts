/**
 * The kinds of training setting (whole number, number, choice, text, text or none, on/off) and their builders.
 * A builder takes what a person declares (bounds, default, label, help, group, who reads it) and
 * adds the zod schema built from exactly those bounds, so the schema, the CLI parser, the form's
 * min/max and the docs cannot disagree. The table itself is in train-config.ts.
 */
import { z } from 'zod';

/** Where the settings form shows a setting, in this order. */
export const SETTING_GROUPS = {
  method: 'Method (EADER)',
  networks: 'Networks',
  optimisation: 'Optimisation',
  data: 'Data',
  /** The segmenter's training labels: pseudo-masks and the user's corrected (trusted) masks. */
  labels: 'Training labels',
  compute: 'Compute and bookkeeping',
} as const;
export type SettingGroup = keyof typeof SETTING_GROUPS;

/**
 * Who reads a setting: `engine` settings are part of the engine's config (engineConfig in
 * src-main/engine/settings.ts copies them, and the trainer may read them too); `trainer` settings
 * are read by the trainer only (loop, backend start, threads) and never reach the engine.
 */
export type SettingConsumer = 'engine' | 'trainer';

interface Declared<C extends SettingConsumer> {
  /** Form label. */
  label: string;
  /** One line: what it does, and the paper's value where that helps. */
  help: string;
  group: SettingGroup;
  consumer: C;
  /** The CLI flag without "--", when it is not the kebab-case key (camMethod → --cam). */
  flag?: string;
}

interface NumberBounds {
  min: number;
  /** `min` itself is refused (lr > 0). */
  exclusiveMin?: boolean;
  max?: number;
  /** The form's spin step. */
  step?: number;
}

export interface IntSetting<C extends SettingConsumer = SettingConsumer> extends Declared<C>, NumberBounds {
  kind: 'int';
  default: number;
  schema: z.ZodNumber;
}
export interface IntOrNullSetting<C extends SettingConsumer = SettingConsumer> extends Declared<C>, NumberBounds {
  kind: 'int-or-null';
  default: number | null;
  /** What null means, as the CLI spells it and the form shows it ("none", "auto"). */
  nullWord: string;
  schema: z.ZodNullable<z.ZodNumber>;
}
export interface FloatOrNullSetting<C extends SettingConsumer = SettingConsumer> extends Declared<C>, NumberBounds {
  kind: 'float-or-null';
  default: number | null;
  /** What null means, as the CLI spells it and the form shows it ("none"). */
  nullWord: string;
  schema: z.ZodNullable<z.ZodNumber>;
}
export interface FloatSetting<C extends SettingConsumer = SettingConsumer> extends Declared<C>, NumberBounds {
  kind: 'float';
  default: number;
  schema: z.ZodNumber;
}
export interface FloatOrNullSetting<C extends SettingConsumer = SettingConsumer> extends Declared<C>, NumberBounds {
  kind: 'float-or-null';
  default: number | null;
  /** What null means, as the CLI spells it and the form shows it ("none"). */
  nullWord: string;
  schema: z.ZodNullable<z.ZodNumber>;
}
export interface ChoiceSetting<E extends z.ZodEnum = z.ZodEnum, C extends SettingConsumer = SettingConsumer> extends Declared<C> {
  kind: 'choice';
  default: z.output<E>;
  options: readonly z.output<E>[];
  schema: E;
}
export interface TextSetting<C extends SettingConsumer = SettingConsumer> extends Declared<C> {
  kind: 'text';
  default: string;
  schema: z.ZodString;
}
export interface TextOrNullSetting<C extends SettingConsumer = SettingConsumer> extends Declared<C> {
  kind: 'text-or-null';
  default: string | null;
  /** What null means, as the CLI spells it and the form shows it ("none"); refused as a value. */
  nullWord: string;
  /**
   * For a pretrained-weights reference (a weights-store name or a file): the key of the setting
   * that names the network the weights load into. The form then offers the store's entries of that
   * backbone, and a run's start checks that the weights hold that backbone.
   */
  weightsFor?: string;
  schema: z.ZodNullable<z.ZodString>;
}
export interface BoolSetting<C extends SettingConsumer = SettingConsumer> extends Declared<C> {
  kind: 'bool';
  default: boolean;
  schema: z.ZodBoolean;
}
export type Setting = IntSetting | IntOrNullSetting | FloatSetting | FloatOrNullSetting | ChoiceSetting | TextSetting | TextOrNullSetting | BoolSetting;
/** The kinds whose value may be null, shown and typed as their null word. */
export type NullableSetting = IntOrNullSetting | FloatOrNullSetting | TextOrNullSetting;
export const isNullable = (s: Setting): s is NullableSetting => s.kind === 'int-or-null' || s.kind === 'float-or-null' || s.kind === 'text-or-null';

function numberSchema(b: NumberBounds, integer: boolean): z.ZodNumber {
  let s = integer ? z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }) : z.number({ error: 'must be a finite number' });
  s = b.exclusiveMin ? s.gt(b.min, { error: `must be more than ${b.min}` }) : s.min(b.min, { error: `must be at least ${b.min}` });
  if (b.max !== undefined) s = s.max(b.max, { error: `must be at most ${b.max}` });
  return s;
}

type Spec<S, C extends SettingConsumer> = Omit<S, 'kind' | 'schema' | 'consumer' | 'options'> & { consumer: C };

export function int<C extends SettingConsumer>(spec: Spec<IntSetting<C>, C>): IntSetting<C> {
  return { ...spec, kind: 'int', schema: numberSchema(spec, true) };
}

export function intOrNull<C extends SettingConsumer>(spec: Spec<IntOrNullSetting<C>, C>): IntOrNullSetting<C> {
  return { ...spec, kind: 'int-or-null', schema: numberSchema(spec, true).nullable() };
}

export function float<C extends SettingConsumer>(spec: Spec<FloatSetting<C>, C>): FloatSetting<C> {
  return { ...spec, kind: 'float', schema: numberSchema(spec, false) };
}

export function floatOrNull<C extends SettingConsumer>(spec: Spec<FloatOrNullSetting<C>, C>): FloatOrNullSetting<C> {
  return { ...spec, kind: 'float-or-null', schema: numberSchema(spec, false).nullable() };
}

/** The numeric kinds whose value may be null (spelt with their nullWord). */
export const isNullableNumber = (s: Setting): s is IntOrNullSetting | FloatOrNullSetting => s.kind === 'int-or-null' || s.kind === 'float-or-null';

export function choice<E extends z.ZodEnum, C extends SettingConsumer>(schema: E, spec: Spec<ChoiceSetting<E, C>, C>): ChoiceSetting<E, C> {
  return { ...spec, kind: 'choice', options: schema.options as unknown as readonly z.output<E>[], schema };
}

export function text<C extends SettingConsumer>(spec: Spec<TextSetting<C>, C>): TextSetting<C> {
  return { ...spec, kind: 'text', schema: z.string().min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }) };
}

export function textOrNull<C extends SettingConsumer>(spec: Spec<TextOrNullSetting<C>, C>): TextOrNullSetting<C> {
  const word = spec.nullWord.toLowerCase();
  const schema = z
    .string()
    .min(1, { error: `must not be empty (null means ${spec.nullWord})` })
    .max(4096, { error: 'must be at most 4096 characters' })
    .refine((v) => v.trim() === v, { error: 'must not start or end with a space' })
    .refine((v) => v.toLowerCase() !== word, { error: `"${spec.nullWord}" is spelt null here, not as text` });
  return { ...spec, kind: 'text-or-null', schema: schema.nullable() };
}

export function bool<C extends SettingConsumer>(spec: Spec<BoolSetting<C>, C>): BoolSetting<C> {
  return { ...spec, kind: 'bool', schema: z.boolean({ error: 'must be true or false' }) };
}

/** The CLI flag of a setting, without "--". */
export function flagOf(key: string, setting: Pick<Setting, 'flag'>): string {
  return setting.flag ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
