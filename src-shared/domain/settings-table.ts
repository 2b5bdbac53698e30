/**
 * A settings table as a value: its entries, the strict and the lenient (stored) schemas built from
 * them, the defaults, and its presets. The CLI's flag loop, the settings form and the docs
 * generator take a table, so a second kind of run (the segmenter, segmenter-config.ts) gets all of
 * them from its own entries. The localizer's table (train-config.ts) declares the same parts by
 * hand; `trainTable` (cli/train-options.ts) wraps it in this shape.
 */
import { z } from 'zod';
import type { Setting } from './setting-kinds';

export interface PresetSpec<C> {
  label: string;
  description: string;
  /** The settings that differ from the table's defaults. */
  settings: Partial<C>;
}

/** What the CLI, the form and the docs need of a table. */
export interface SettingsTable<K extends string = string, C extends Record<K, unknown> = Record<K, unknown>> {
  /** The table's name in messages ("training settings", "segmenter settings"). */
  title: string;
  keys: readonly K[];
  entry(key: K): Setting;
  /** Strict: every key, nothing else; the rules between settings. */
  schema: z.ZodType<C>;
  presetIds: readonly string[];
  presets: Readonly<Record<string, C>>;
  presetLabels: Readonly<Record<string, { label: string; description: string }>>;
}

type Entries = Record<string, Setting>;
type ValueOf<E extends Entries> = { [K in keyof E]: z.output<E[K]['schema']> };

export interface BuiltTable<E extends Entries, P extends string> {
  entries: E;
  keys: (keyof E & string)[];
  schema: z.ZodType<ValueOf<E>>;
  /** A run record's config: a missing key gets its table default, an unknown key is an error. */
  stored: z.ZodType<ValueOf<E>>;
  defaults: ValueOf<E>;
  presetIds: P[];
  presets: Record<P, ValueOf<E>>;
  table: SettingsTable<keyof E & string, ValueOf<E>>;
}

/**
 * Builds a table's schemas and presets from its entries (each preset checked when the module
 * loads: a bad preset fails every test). `rules` are the checks between settings.
 */
export function buildSettingsTable<E extends Entries, P extends string>(
  title: string,
  entries: E,
  presetTable: Record<P, PresetSpec<ValueOf<E>>>,
  rules: (config: Partial<Record<keyof E, unknown>>, ctx: z.RefinementCtx) => void = () => undefined,
): BuiltTable<E, P> {
  const keys = Object.keys(entries) as (keyof E & string)[];
  const shape = (make: (key: keyof E & string) => z.ZodType): Record<string, z.ZodType> => Object.fromEntries(keys.map((k) => [k, make(k)]));
  const schema = z
    .object(shape((k) => entries[k]!.schema as z.ZodType))
    .strict()
    .superRefine((v, ctx) => rules(v as Partial<Record<keyof E, unknown>>, ctx)) as unknown as z.ZodType<ValueOf<E>>;
  const stored = z
    .object(shape((k) => (entries[k]!.schema as z.ZodType).default(entries[k]!.default as never)))
    .strict()
    .superRefine((v, ctx) => rules(v as Partial<Record<keyof E, unknown>>, ctx)) as unknown as z.ZodType<ValueOf<E>>;
  const defaults = schema.parse(Object.fromEntries(keys.map((k) => [k, entries[k]!.default])));
  const presetIds = Object.keys(presetTable) as P[];
  const presets = Object.fromEntries(presetIds.map((id) => [id, schema.parse({ ...defaults, ...presetTable[id].settings })])) as Record<P, ValueOf<E>>;
  const table: SettingsTable<keyof E & string, ValueOf<E>> = {
    title,
    keys,
    entry: (key) => entries[key]!,
    schema,
    presetIds,
    presets,
    presetLabels: Object.fromEntries(presetIds.map((id) => [id, { label: presetTable[id].label, description: presetTable[id].description }])),
  };
  return { entries, keys, schema, stored, defaults, presetIds, presets, table };
}
