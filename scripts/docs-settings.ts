/** Rewrites the settings references in the docs (docs/training.md, docs/segmenter.md) from the settings tables. `npx tsx scripts/docs-settings.ts` */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOC_BLOCKS, withSettingsBlock } from '../src-main/cli/settings-doc';

for (const block of DOC_BLOCKS) {
  const file = join(import.meta.dirname, '..', block.doc);
  writeFileSync(file, withSettingsBlock(readFileSync(file, 'utf8'), block));
  console.log(`Updated the settings reference in ${file}.`);
}
