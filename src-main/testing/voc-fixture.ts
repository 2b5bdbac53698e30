/**
 * A tiny Pascal VOC dataset for tests, written to a folder: coloured squares (class 1) and discs
 * (class 2) on a noisy background, JPEG images, 8-bit indexed PNG masks with a void (255) rim,
 * classes.txt, and train/val split lists. Deterministic for a seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeIndexedPng } from '../codecs/indexed-png';
import { makeRng } from '../engine/rng';

export interface FixtureOptions {
  train: number;
  val: number;
  width?: number;
  height?: number;
  seed?: number;
}

export const FIXTURE_CLASSES = ['background', 'square', 'disc'];

/** Writes VOCdevkit/VOC2012 under `root`; returns the ids per split. */
export async function writeShapesVoc(root: string, options: FixtureOptions): Promise<{ train: string[]; val: string[] }> {
  const W = options.width ?? 64;
  const H = options.height ?? 48;
  const rng = makeRng(options.seed ?? 7);
  const year = join(root, 'VOCdevkit', 'VOC2012');
  for (const dir of ['JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation']) await mkdir(join(year, dir), { recursive: true });
  await writeFile(join(year, 'classes.txt'), `${FIXTURE_CLASSES.join('\n')}\n`);
  const ids = { train: [] as string[], val: [] as string[] };
  const total = options.train + options.val;
  for (let n = 0; n < total; n++) {
    const id = `shape_${String(n).padStart(4, '0')}`;
    const rgb = new Uint8Array(W * H * 3);
    const mask = new Uint8Array(W * H);
    for (let i = 0; i < W * H; i++) {
      const g = 90 + Math.floor(rng.next() * 50);
      rgb[i * 3] = g;
      rgb[i * 3 + 1] = g + 10;
      rgb[i * 3 + 2] = g;
    }
    // Every image has at least one shape: 1 = square only, 2 = disc only, 3 = both.
    const which = 1 + (n % 3);
    const size = Math.round(Math.min(W, H) * 0.3);
    const placeShape = (cls: 1 | 2, x0: number, y0: number): void => {
      for (let y = y0 - 1; y < y0 + size + 1; y++) {
        for (let x = x0 - 1; x < x0 + size + 1; x++) {
          if (x < 0 || y < 0 || x >= W || y >= H) continue;
          const cx = x - x0 - size / 2 + 0.5;
          const cy = y - y0 - size / 2 + 0.5;
          const inside = cls === 1 ? x >= x0 && x < x0 + size && y >= y0 && y < y0 + size : cx * cx + cy * cy <= (size / 2) ** 2;
          const rim = cls === 1 ? true : cx * cx + cy * cy <= (size / 2 + 1) ** 2;
          const i = y * W + x;
          if (inside) {
            mask[i] = cls;
            rgb[i * 3] = cls === 1 ? 220 : 30;
            rgb[i * 3 + 1] = cls === 1 ? 40 : 60;
            rgb[i * 3 + 2] = cls === 1 ? 40 : 220;
          } else if (rim && mask[i] === 0) {
            mask[i] = 255;
          }
        }
      }
    };
    const half = Math.floor(W / 2);
    if (which & 1) placeShape(1, Math.floor(rng.next() * (half - size)), Math.floor(rng.next() * (H - size)));
    if (which & 2) placeShape(2, half + Math.floor(rng.next() * (half - size)), Math.floor(rng.next() * (H - size)));
    await writeFile(
      join(year, 'JPEGImages', `${id}.jpg`),
      await sharp(Buffer.from(rgb), { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 95 }).toBuffer(),
    );
    await writeFile(join(year, 'SegmentationClass', `${id}.png`), encodeIndexedPng({ width: W, height: H, data: mask }));
    (n < options.train ? ids.train : ids.val).push(id);
  }
  await writeFile(join(year, 'ImageSets/Segmentation/train.txt'), `${ids.train.join('\n')}\n`);
  await writeFile(join(year, 'ImageSets/Segmentation/val.txt'), `${ids.val.join('\n')}\n`);
  return ids;
}
