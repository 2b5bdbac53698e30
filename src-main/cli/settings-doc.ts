/**
 * The settings reference in docs/training.md, generated from the settings table: one table per
 * form group, one row per setting (flag, each preset's value, what is allowed, the help line).
 * `npx tsx scripts/docs-settings.ts` rewrites the block; settings-doc.spec.ts fails when it is stale.
 */
import { SETTING_GROUPS, flagOf, isNullableNumber, type Setting, type SettingGroup } from '@shared/domain/setting-kinds';
import { PresetId, SETTING_KEYS, settingOf } from '@shared/domain/train-config';
import { placeholder, presetShown } from './train-options';

export const DOC_BEGIN = '<!-- settings:begin (generated from src-shared/domain/train-config.ts by `npx tsx scripts/docs-settings.ts`; settings-doc.spec.ts checks it) -->';
export const DOC_END = '<!-- settings:end -->';

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
      return isNullableNumber(s) ? `${range}, or \`${s.nullWord}\`` : range;
    }
  }
}

function flagCell(key: (typeof SETTING_KEYS)[number], s: Setting): string {
  const flag = flagOf(key, s);
  const cell = s.kind === 'bool' ? `\`--${flag}\` / \`--no-${flag}\`` : `\`--${flag} ${placeholder(s)}\``;
  return cell.replace(/\|/g, '\\|'); // a pipe splits a table cell even inside a code span
}

export function settingsMarkdown(): string {
  const lines = [DOC_BEGIN];
  for (const group of Object.keys(SETTING_GROUPS) as SettingGroup[]) {
    lines.push('', `**${SETTING_GROUPS[group]}**`, '', `| flag | setting | ${PresetId.options.join(' | ')} | allowed | what it does |`, `|---|---|${PresetId.options.map(() => '---|').join('')}---|---|`);
    for (const key of SETTING_KEYS) {
      const s = settingOf(key);
      if (s.group !== group) continue;
      const values = PresetId.options.map((id) => presetShown(id, key));
      lines.push(`| ${flagCell(key, s)} | \`${key}\` | ${values.join(' | ')} | ${allowed(s)} | ${s.help.replace(/\|/g, '\\|')} |`);
    }
  }
  lines.push('', DOC_END);
  return lines.join('\n');
}

/** `doc` with its settings block replaced by the current one (throws when the markers are missing). */
export function withSettingsBlock(doc: string): string {
  const begin = doc.indexOf(DOC_BEGIN);
  const end = doc.indexOf(DOC_END);
  if (begin < 0 || end < begin) throw new Error('docs/training.md has no settings block (the settings:begin / settings:end markers).');
  return doc.slice(0, begin) + settingsMarkdown() + doc.slice(end + DOC_END.length);
}
