/**
 * Write a generated dataset in the Pascal VOC layout, shared by the demo and the held-out
 * generators: <out>/VOCdevkit/VOC2012/{JPEGImages,Annotations,SegmentationClass,
 * ImageSets/{Segmentation,Main}} plus classes.txt. The folder is built beside the target and
 * swapped in by rename, so a reader never sees a half-written set.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeIndexedPng } from '../../codecs/indexed-png';
import { annotationXml, listText, type VocObject } from './voc-files';

export interface GeneratedSample {
  width: number;
  height: number;
  /** H*W*3 RGB. */
  rgb: Uint8Array;
  /** H*W class indices, 255 = void. */
  mask: Uint8Array;
  objects: VocObject[];
}

export interface VocWriteOptions {
  outDir: string;
  /** classes.txt: background first. */
  classes: readonly string[];
  /** Dataset name for the annotation XML. */
  database: string;
  /** Image ids in order; the first `train` are the train split, the rest val. */
  ids: readonly string[];
  train: number;
  render: (index: number) => GeneratedSample;
  jpegQuality: number;
  /** Skip JPEG encoding (tests that only compare masks and XML). */
  writeImages?: boolean;
}

export async function encodeJpeg(rgb: Uint8Array, width: number, height: number, quality: number): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .jpeg({ quality, chromaSubsampling: '4:2:0', mozjpeg: false })
    .toBuffer();
}

/** Writes the dataset and returns the year folder's path. */
export async function writeVocDataset(options: VocWriteOptions): Promise<string> {
  const devkit = join(options.outDir, 'VOCdevkit');
  const target = join(devkit, 'VOC2012');
  const staging = join(devkit, `.VOC2012.tmp-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  const dirs = ['JPEGImages', 'Annotations', 'SegmentationClass', 'ImageSets/Segmentation', 'ImageSets/Main'];
  for (const dir of dirs) await mkdir(join(staging, dir), { recursive: true });

  for (let i = 0; i < options.ids.length; i++) {
    const id = options.ids[i]!;
    const sample = options.render(i);
    await writeFile(join(staging, 'Annotations', `${id}.xml`), annotationXml(id, sample, options.database));
    const png = encodeIndexedPng({ width: sample.width, height: sample.height, data: sample.mask });
    await writeFile(join(staging, 'SegmentationClass', `${id}.png`), png);
    if (options.writeImages !== false) {
      await writeFile(join(staging, 'JPEGImages', `${id}.jpg`), await encodeJpeg(sample.rgb, sample.width, sample.height, options.jpegQuality));
    }
  }
  const splits = { train: options.ids.slice(0, options.train), val: options.ids.slice(options.train) };
  for (const folder of ['Segmentation', 'Main']) {
    for (const [name, list] of Object.entries(splits)) {
      await writeFile(join(staging, 'ImageSets', folder, `${name}.txt`), listText(list));
    }
  }
  await writeFile(join(staging, 'classes.txt'), listText(options.classes));

  const old = join(devkit, `.VOC2012.old-${process.pid}`);
  await rename(target, old).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await rename(staging, target);
  await rm(old, { recursive: true, force: true });
  return target;
}
