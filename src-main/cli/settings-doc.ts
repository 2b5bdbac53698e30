/**
 * The settings references in the docs, generated from the settings tables: one table per form
 * group, one row per setting (flag, each preset's value, what is allowed, the help line) —
 * docs/training.md from the localizer's table, docs/segmenter.md from the segmenter's.
 * `npx tsx scripts/docs-settings.ts` rewrites the blocks; settings-doc.spec.ts fails when one is stale.
 */
import { SEGMENTER_TABLE } from '@shared/domain/segmenter-config';
import { SETTING_GROUPS, flagOf, isNullable, type Setting, type SettingGroup } from '@shared/domain/setting-kinds';
import type { SettingsTable } from '@shared/domain/settings-table';
import { placeholder, shown, TRAIN_TABLE, trainPresetValue, type PresetValueText } from './train-options';

/** A generated block: which table, in which doc, between which markers. */
export interface DocBlock {
  table: SettingsTable;
  doc: string;
  begin: string;
  end: string;
  /** A preset's value as the doc shows it (default: the table's own value). */
  valueText?: PresetValueText;
}

const marker = (source: string): string => `(generated from ${source} by \`npx tsx scripts/docs-settings.ts\`; settings-doc.spec.ts checks it) -->`;

export const DOC_BLOCKS: readonly DocBlock[] = [
  { table: TRAIN_TABLE, valueText: trainPresetValue, doc: 'docs/training.md', begin: `<!-- settings:begin ${marker('src-shared/domain/train-config.ts')}`, end: '<!-- settings:end -->' },
  { table: SEGMENTER_TABLE, doc: 'docs/segmenter.md', begin: `<!-- segmenter-settings:begin ${marker('src-shared/domain/segmenter-config.ts')}`, end: '<!-- segmenter-settings:end -->' },
];
export const DOC_BEGIN = DOC_BLOCKS[0]!.begin;
export const DOC_END = DOC_BLOCKS[0]!.end;

function allowed(s: Setting): string {
  switch (s.kind) {
    case 'choice':
      return s.options.map((o) => `\`${String(o)}\``).join(', ');
    case 'text':
      return 'a name';
    case 'text-or-null':
      return s.weightsFor ? `a weights-store name or a file, or \`${s.nullWord}\`` : `text, or \`${s.nullWord}\``;
    case 'bool':
      return 'on / off';
    default: {
      const low = `${s.exclusiveMin ? '>' : '≥'} ${s.min}`;
      const range = s.max === undefined ? low : s.exclusiveMin ? `${low}, ≤ ${s.max}` : `${s.min}…${s.max}`;
      return isNullable(s) ? `${range}, or \`${s.nullWord}\`` : range;
    }
  }
}

function flagCell(key: string, s: Setting): string {
  const flag = flagOf(key, s);
  const cell = s.kind === 'bool' ? `\`--${flag}\` / \`--no-${flag}\`` : `\`--${flag} ${placeholder(s)}\``;
  return cell.replace(/\|/g, '\\|'); // a pipe splits a table cell even inside a code span
}

export function settingsMarkdown(block: DocBlock = DOC_BLOCKS[0]!): string {
  const { table } = block;
  const ids = table.presetIds;
  const lines = [block.begin];
  for (const group of Object.keys(SETTING_GROUPS) as SettingGroup[]) {
    const keys = table.keys.filter((key) => table.entry(key).group === group);
    if (keys.length === 0) continue;
    lines.push('', `**${SETTING_GROUPS[group]}**`, '', `| flag | setting | ${ids.join(' | ')} | allowed | what it does |`, `|---|---|${ids.map(() => '---|').join('')}---|---|`);
    for (const key of keys) {
      const s = table.entry(key);
      const values = ids.map((id) => (block.valueText ? block.valueText(id, key) : shown(table.presets[id]?.[key], s)));
      lines.push(`| ${flagCell(key, s)} | \`${key}\` | ${values.join(' | ')} | ${allowed(s)} | ${s.help.replace(/\|/g, '\\|')} |`);
    }
  }
  lines.push('', block.end);
  return lines.join('\n');
}

/** `doc` with the block's settings reference replaced by the current one (throws when the markers are missing). */
export function withSettingsBlock(doc: string, block: DocBlock = DOC_BLOCKS[0]!): string {
  const begin = doc.indexOf(block.begin);
  const end = doc.indexOf(block.end);
  if (begin < 0 || end < begin) throw new Error(`${block.doc} has no settings block (the ${block.begin.slice(5, block.begin.indexOf(' ', 5))} / ${block.end} markers).`);
  return doc.slice(0, begin) + settingsMarkdown(block) + doc.slice(end + block.end.length);
}
