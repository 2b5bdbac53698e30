/**
 * Read one image or one PNG GT mask of an opened dataset, by image id (or by the record itself,
 * for a worker that holds records but no index). Every path is confined to the dataset root, and
 * only regular files are read (fs/read-regular.ts). Read-only.
 */
import { isAbsolute } from 'node:path';
import type { DatasetIndex, ImageRecord, IndexMask, RgbImage } from '@shared/domain/dataset';
import { resolve } from 'node:path';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { isInside } from '../fs/confine';
import { readRegular } from '../fs/read-regular';
import { decodeImage, type DecodeImageOptions } from './image-io';

/** What locates an image file: its id and its path relative to the dataset root. */
export type ImageRef = Pick<ImageRecord, 'id' | 'file'>;

const byIdCache = new WeakMap<DatasetIndex, Map<string, ImageRecord>>();

export function findImage(index: DatasetIndex, id: string): ImageRecord {
  let byId = byIdCache.get(index);
  if (!byId) {
    byId = new Map(index.images.map((r) => [r.id, r]));
    byIdCache.set(index, byId);
  }
  const record = byId.get(id);
  if (!record) throw new Error(`no image with id "${id}" in the dataset at ${index.root}`);
  return record;
}

/** Absolute path of a dataset-relative file, refusing anything that leaves the root. */
export function datasetPath(root: string, file: string): string {
  const path = resolve(root, file);
  if (isAbsolute(file) || !isInside(root, path)) throw new Error(`path "${file}" is outside the dataset root ${root}`);
  return path;
}

/** Decode the image of a record under `root` (8-bit RGB, EXIF orientation applied). */
export async function readImage(root: string, ref: ImageRef, options: DecodeImageOptions = {}): Promise<RgbImage> {
  return decodeImage(datasetPath(root, ref.file), { root, ...options });
}

export async function loadImage(index: DatasetIndex, id: string, options: DecodeImageOptions = {}): Promise<RgbImage> {
  return readImage(index.root, findImage(index, id), options);
}

/**
 * The ground-truth mask of an image (class indices, 255 = void), or null when it has none. PNG
 * ground truth is decoded bit-exact; other kinds (COCO polygons) belong to their own reader, and
 * `readGtMask` (open-dataset.ts) dispatches between them.
 */
export async function loadGtMask(index: DatasetIndex, id: string): Promise<IndexMask | null> {
  const record = findImage(index, id);
  const gt = record.gt;
  if (!gt) return null;
  if (gt.kind !== 'png') throw new Error(`ground truth of kind "${gt.kind}" is not read here (image "${id}")`);
  const path = datasetPath(index.root, gt.file);
  let mask: IndexMask;
  try {
    mask = decodeIndexedPng(await readRegular(path, { root: index.root, kind: 'mask' })).mask;
  } catch (err) {
    throw new Error(`cannot read mask ${path}: ${(err as Error).message}`);
  }
  if ((record.width && mask.width !== record.width) || (record.height && mask.height !== record.height)) {
    throw new Error(`mask ${path} is ${mask.width}×${mask.height} but its image is ${record.width}×${record.height}`);
  }
  return mask;
}
