import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEGMENTER_SETTING_KEYS } from '@shared/domain/segmenter-config';
import { SETTING_KEYS } from '@shared/domain/train-config';
import { DOC_BLOCKS, settingsMarkdown, withSettingsBlock } from './settings-doc';

describe('the settings references in docs/training.md and docs/segmenter.md', () => {
  it.each(DOC_BLOCKS.map((b) => [b.doc, b] as const))('%s is the one generated from its table (run `npx tsx scripts/docs-settings.ts` when this fails)', (name, block) => {
    const doc = readFileSync(join(import.meta.dirname, '../..', name), 'utf8');
    expect(withSettingsBlock(doc, block)).toBe(doc);
  });

  it('has a row per segmenter setting, the shared ones with the localizer’s flag', () => {
    const md = settingsMarkdown(DOC_BLOCKS[1]);
    for (const key of SEGMENTER_SETTING_KEYS) expect(md).toContain(`| \`${key}\` |`);
    expect(md).toContain('| `--time-budget <x\\|none>` | `timeBudget` | none | 2 | > 0, ≤ 10080, or `none` |');
    expect(md).toContain('| `--output-stride <name>` | `outputStride` | 16 | 8 | `8`, `16` |');
    expect(md).toContain('| `--backbone <name>` | `backbone` | resnet101 | tiny |');
    expect(md).not.toContain('**Method (EADER)**'); // an empty group is left out
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
