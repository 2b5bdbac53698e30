/**
 * Generate the held-out set (Fashion-MNIST items on textures, VOC layout):
 *   npx tsx scripts/heldout/make-heldout.ts --out /tmp/heldout [--seed 14] [--train 3000] [--val 500]
 *     [--size 64] [--fmnist /usr/share/datasets/fashion-mnist]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FMNIST_DIR } from './fmnist';
import { HELDOUT_DEFAULTS, generateHeldout } from './generate';

function intFlag(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, seed: { type: 'string' }, train: { type: 'string' }, val: { type: 'string' }, size: { type: 'string' }, fmnist: { type: 'string' } },
  });
  if (!values.out) throw new Error('--out <dir> is required (the dataset is written to <dir>/VOCdevkit/VOC2012)');
  const started = Date.now();
  const yearDir = await generateHeldout({
    outDir: resolve(values.out),
    fmnistDir: values.fmnist ?? FMNIST_DIR,
    seed: intFlag('seed', values.seed, HELDOUT_DEFAULTS.seed, -(2 ** 31)),
    train: intFlag('train', values.train, HELDOUT_DEFAULTS.train, 1),
    val: intFlag('val', values.val, HELDOUT_DEFAULTS.val, 1),
    size: intFlag('size', values.size, HELDOUT_DEFAULTS.size, 24),
  });
  console.log(`wrote ${yearDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
