/**
 * Generate the bundled demo dataset, deterministically from a seed, in the Pascal VOC layout:
 * <out>/VOCdevkit/VOC2012/{JPEGImages,Annotations,SegmentationClass,ImageSets/{Segmentation,Main}}
 * plus classes.txt. The folder is built beside the target and swapped in by rename.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeIndexedPng } from '../../src-main/codecs/indexed-png';
import { renderDemoSample } from './render';
import { SHAPE_CLASSES } from './shapes';
import { annotationXml, listText } from './voc-files';

export const DEMO_SEED = 2012;
export const DEMO_TRAIN = 240;
export const DEMO_VAL = 60;
export const DEMO_CLASSES = ['background', ...SHAPE_CLASSES];
export const JPEG_QUALITY = 85;

export interface DemoOptions {
  outDir: string;
  seed?: number;
  train?: number;
  val?: number;
  /** Skip JPEG encoding (tests that only compare masks and XML). */
  writeImages?: boolean;
}

export function demoId(index: number): string {
  return `shapes_${String(index + 1).padStart(4, '0')}`;
}

export async function encodeDemoJpeg(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: JPEG_QUALITY, chromaSubsampling: '4:2:0', mozjpeg: false })
    .toBuffer();
}

/** Writes the dataset and returns the year folder's path. */
export async function generateDemoDataset(options: DemoOptions): Promise<string> {
  const seed = options.seed ?? DEMO_SEED;
  const train = options.train ?? DEMO_TRAIN;
  const val = options.val ?? DEMO_VAL;
  const devkit = join(options.outDir, 'VOCdevkit');
  const target = join(devkit, 'VOC2012');
  const staging = join(devkit, `.VOC2012.tmp-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  const dirs = ['JPEGImages', 'Annotations', 'SegmentationClass', 'ImageSets/Segmentation', 'ImageSets/Main'];
  for (const dir of dirs) await mkdir(join(staging, dir), { recursive: true });

  const ids: string[] = [];
  for (let i = 0; i < train + val; i++) {
    const id = demoId(i);
    ids.push(id);
    const sample = renderDemoSample(seed, i);
    await writeFile(join(staging, 'Annotations', `${id}.xml`), annotationXml(id, sample));
    const png = encodeIndexedPng({ width: sample.width, height: sample.height, data: sample.mask });
    await writeFile(join(staging, 'SegmentationClass', `${id}.png`), png);
    if (options.writeImages !== false) {
      await writeFile(join(staging, 'JPEGImages', `${id}.jpg`), await encodeDemoJpeg(sample.rgb, sample.width, sample.height));
    }
  }
  const splits = { train: ids.slice(0, train), val: ids.slice(train) };
  for (const folder of ['Segmentation', 'Main']) {
    for (const [name, list] of Object.entries(splits)) {
      await writeFile(join(staging, 'ImageSets', folder, `${name}.txt`), listText(list));
    }
  }
  await writeFile(join(staging, 'classes.txt'), listText(DEMO_CLASSES));

  const old = join(devkit, `.VOC2012.old-${process.pid}`);
  await rename(target, old).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await rename(staging, target);
  await rm(old, { recursive: true, force: true });
  return target;
}
