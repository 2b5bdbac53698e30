/**
 * Regenerate the bundled demo dataset (resources/demo/VOCdevkit/VOC2012):
 *   npx tsx scripts/make-demo-dataset.ts [--seed 2012] [--out resources/demo]
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_SEED, generateDemoDataset } from '../src-main/datasets/demo/generate';

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size;
  }
  return total;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, out: { type: 'string' } } });
  const seed = values.seed === undefined ? DEMO_SEED : Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const outDir = resolve(values.out ?? 'resources/demo');
  const started = Date.now();
  const yearDir = await generateDemoDataset({ outDir, seed });
  const bytes = await folderBytes(yearDir);
  console.log(`wrote ${yearDir} (seed ${seed}): ${(bytes / 1024 / 1024).toFixed(2)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
