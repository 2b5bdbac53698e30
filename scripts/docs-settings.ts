/** Rewrites the settings reference in docs/training.md from the settings table. `npx tsx scripts/docs-settings.ts` */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSettingsBlock } from '../src-main/cli/settings-doc';

const file = join(import.meta.dirname, '..', 'docs', 'training.md');
writeFileSync(file, withSettingsBlock(readFileSync(file, 'utf8')));
console.log(`Updated the settings reference in ${file}.`);
