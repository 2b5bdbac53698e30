/**
 * The held-out evaluation set: Fashion-MNIST items on textured backgrounds in the Pascal VOC
 * layout (see render.ts). Train images use items of the F-MNIST train file, val images items of
 * the t10k file, so no val item was ever seen in training. Deterministic by seed.
 */
import { writeVocDataset } from '../../src-main/datasets/demo/voc-writer';
import { FMNIST_CLASSES, FMNIST_DIR, readFmnist } from './fmnist';
import { renderHeldoutSample } from './render';

export const HELDOUT_DEFAULTS = { seed: 14, train: 3000, val: 500, size: 64 } as const;
export const HELDOUT_CLASSES = ['background', ...FMNIST_CLASSES];
export const HELDOUT_NAME = 'EADER held-out Fashion-MNIST on textures';

export interface HeldoutOptions {
  outDir: string;
  fmnistDir?: string;
  seed?: number;
  train?: number;
  val?: number;
  size?: number;
  writeImages?: boolean;
}

export const heldoutId = (split: 'train' | 'val', index: number): string => `fm_${split}_${String(index + 1).padStart(5, '0')}`;

export async function generateHeldout(options: HeldoutOptions): Promise<string> {
  const dir = options.fmnistDir ?? FMNIST_DIR;
  const seed = options.seed ?? HELDOUT_DEFAULTS.seed;
  const train = options.train ?? HELDOUT_DEFAULTS.train;
  const val = options.val ?? HELDOUT_DEFAULTS.val;
  const size = options.size ?? HELDOUT_DEFAULTS.size;
  if (!Number.isInteger(size) || size < 24) throw new Error(`size must be an integer ≥ 24, got ${size}`);
  const trainItems = readFmnist(dir, 'train');
  const valItems = readFmnist(dir, 't10k');
  const ids = [...Array.from({ length: train }, (_, i) => heldoutId('train', i)), ...Array.from({ length: val }, (_, i) => heldoutId('val', i))];
  // Val samples use their own seed stream, so changing --train does not change the val set.
  const yearDir = await writeVocDataset({
    outDir: options.outDir,
    classes: HELDOUT_CLASSES,
    database: HELDOUT_NAME,
    ids,
    train,
    render: (i) => (i < train ? renderHeldoutSample(trainItems, seed, i, size) : renderHeldoutSample(valItems, seed ^ 0x5a5a5a5a, i - train, size)),
    jpegQuality: 90,
    ...(options.writeImages === false ? { writeImages: false } : {}),
  });
  return yearDir;
}

