/**
 * A tiny shapes dataset for tests, in each format the readers take: coloured squares (class 1) and
 * discs (class 2) on a noisy background, JPEG images. Deterministic for a seed, and the same images
 * in every format:
 *   writeShapesVoc     VOCdevkit/VOC2012: 8-bit indexed PNG masks with a void (255) rim,
 *                      classes.txt, train/val split lists;
 *   writeShapesCoco    annotations/instances_{train,val}.json (sparse category ids, RLE masks)
 *                      with train/ and val/ image folders;
 *   writeShapesFolder  a labelled folder: images/, labels.csv with a split column, masks/, classes.txt.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeIndexedPng } from '../codecs/indexed-png';
import { encodeCountsString, maskToRle } from '../datasets/coco/coco-rle';
import { makeRng } from '../engine/rng';

export interface FixtureOptions {
  train: number;
  val: number;
  width?: number;
  height?: number;
  seed?: number;
}

export const FIXTURE_CLASSES = ['background', 'square', 'disc'];

interface Shape {
  id: string;
  split: 'train' | 'val';
  width: number;
  height: number;
  /** [height,width,3] */
  rgb: Uint8Array;
  /** [height,width] class indices, 255 on the disc's rim */
  mask: Uint8Array;
  labels: number[];
}

function* shapes(options: FixtureOptions): Generator<Shape> {
  const W = options.width ?? 64;
  const H = options.height ?? 48;
  const rng = makeRng(options.seed ?? 7);
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
    yield { id, split: n < options.train ? 'train' : 'val', width: W, height: H, rgb, mask, labels: [1, 2].filter((c) => which & c) };
  }
}

const jpeg = async (s: Shape): Promise<Buffer> => sharp(Buffer.from(s.rgb), { raw: { width: s.width, height: s.height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();

/** Writes VOCdevkit/VOC2012 under `root`; returns the ids per split. */
export async function writeShapesVoc(root: string, options: FixtureOptions): Promise<{ train: string[]; val: string[] }> {
  const year = join(root, 'VOCdevkit', 'VOC2012');
  for (const dir of ['JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation']) await mkdir(join(year, dir), { recursive: true });
  await writeFile(join(year, 'classes.txt'), `${FIXTURE_CLASSES.join('\n')}\n`);
  const ids = { train: [] as string[], val: [] as string[] };
  for (const s of shapes(options)) {
    await writeFile(join(year, 'JPEGImages', `${s.id}.jpg`), await jpeg(s));
    await writeFile(join(year, 'SegmentationClass', `${s.id}.png`), encodeIndexedPng({ width: s.width, height: s.height, data: s.mask }));
    ids[s.split].push(s.id);
  }
  await writeFile(join(year, 'ImageSets/Segmentation/train.txt'), `${ids.train.join('\n')}\n`);
  await writeFile(join(year, 'ImageSets/Segmentation/val.txt'), `${ids.val.join('\n')}\n`);
  return ids;
}

/** COCO category ids of the shapes (sparse, listed out of order): square → class 1, disc → class 2. */
const COCO_CATEGORIES = [
  { id: 7, name: 'disc' },
  { id: 3, name: 'square' },
];
const COCO_ID: Record<number, number> = { 1: 3, 2: 7 };

/**
 * Writes annotations/instances_{train,val}.json and train/, val/ under `root`: one RLE annotation
 * per shape (the void rim of the VOC masks is background here); returns the ids per split.
 */
export async function writeShapesCoco(root: string, options: FixtureOptions): Promise<{ train: string[]; val: string[] }> {
  await mkdir(join(root, 'annotations'), { recursive: true });
  const ids = { train: [] as string[], val: [] as string[] };
  const files = { train: { images: [] as object[], annotations: [] as object[] }, val: { images: [] as object[], annotations: [] as object[] } };
  let imageId = 100;
  let annotationId = 1;
  for (const s of shapes(options)) {
    await mkdir(join(root, s.split), { recursive: true });
    await writeFile(join(root, s.split, `${s.id}.jpg`), await jpeg(s));
    imageId += 1;
    files[s.split].images.push({ id: imageId, file_name: `${s.id}.jpg`, width: s.width, height: s.height });
    for (const cls of s.labels) {
      const bits = s.mask.map((v) => (v === cls ? 1 : 0));
      files[s.split].annotations.push({
        id: annotationId++,
        image_id: imageId,
        category_id: COCO_ID[cls],
        iscrowd: 0,
        area: bits.reduce((a, b) => a + b, 0),
        segmentation: { size: [s.height, s.width], counts: encodeCountsString(maskToRle(bits, s.height, s.width).counts) },
      });
    }
    ids[s.split].push(s.id);
  }
  for (const split of ['train', 'val'] as const) {
    await writeFile(join(root, 'annotations', `instances_${split}.json`), JSON.stringify({ categories: COCO_CATEGORIES, ...files[split] }));
  }
  return ids;
}

/**
 * Writes images/, labels.csv (image,labels,split), masks/ and classes.txt (so that the masks'
 * indices are the fixture's classes) under `root`; returns the ids per split.
 */
export async function writeShapesFolder(root: string, options: FixtureOptions): Promise<{ train: string[]; val: string[] }> {
  for (const dir of ['images', 'masks']) await mkdir(join(root, dir), { recursive: true });
  await writeFile(join(root, 'classes.txt'), `${FIXTURE_CLASSES.join('\n')}\n`);
  const ids = { train: [] as string[], val: [] as string[] };
  const lines = ['image,labels,split'];
  for (const s of shapes(options)) {
    await writeFile(join(root, 'images', `${s.id}.jpg`), await jpeg(s));
    await writeFile(join(root, 'masks', `${s.id}.png`), encodeIndexedPng({ width: s.width, height: s.height, data: s.mask }));
    lines.push(`${s.id}.jpg,${s.labels.map((c) => FIXTURE_CLASSES[c]).join(';')},${s.split}`);
    ids[s.split].push(s.id);
  }
  await writeFile(join(root, 'labels.csv'), `${lines.join('\n')}\n`);
  return ids;
}
