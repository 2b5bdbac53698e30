import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS } from '@shared/domain/train-config';
import { settingsMarkdown, withSettingsBlock } from './settings-doc';

describe('the settings reference in docs/training.md', () => {
  it('is the one generated from the settings table (run `npx tsx scripts/docs-settings.ts` when this fails)', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/training.md'), 'utf8');
    expect(withSettingsBlock(doc)).toBe(doc);
  });

  it('has a row per setting with its flag and each preset’s value', () => {
    const md = settingsMarkdown();
    for (const key of SETTING_KEYS) expect(md).toContain(`| \`${key}\` |`);
    expect(md).toContain('| `--image-size <n>` | `imageSize` | 448 | 48 | 16…1024 |');
    expect(md).toContain('| `--cam <name>` | `camMethod` | gradcam | gradcam | `gradcam`, `cam` |');
    expect(md).toContain('| `--max-steps <n\\|none>` | `maxSteps` | none | none | ≥ 1, or `none` |');
    expect(md).toContain('| `--lr <x>` | `lr` | 0.01 | 0.003 | > 0 |');
    expect(md).toContain('| `--time-budget <x\\|none>` | `timeBudget` | none | 2.5 | > 0, ≤ 100000, or `none` |');
    expect(md).toContain('| `--lr-schedule <name>` | `lrSchedule` | constant | one-cycle | `constant`, `one-cycle` |');
  });
});
