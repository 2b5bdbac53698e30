/**
 * Open any supported dataset from a path the user picked: detect its format, dispatch to the reader,
 * and read GT masks whatever their kind. Detection order:
 *   1. a `.json` file                                  → COCO instances file
 *   2. JPEGImages/, VOC20xx/JPEGImages/ or VOCdevkit/VOC20xx/JPEGImages/ → Pascal VOC
 *   3. annotations/instances_*.json or instances_*.json → COCO
 *   4. labels.csv or labels.json                       → labelled folder
 * Nothing here writes: datasets are opened read-only.
 */
import type { DatasetFormat, DatasetIndex, ImageRecord, IndexMask } from '@shared/domain/dataset';
import type { ScanProgress } from '@shared/domain/dataset-view';
import { resolve } from 'node:path';
import { detectCocoLayout } from './coco/coco-layout';
import { type CocoDatasetIndex, readCocoDataset, readCocoGtMask } from './coco/coco-reader';
import { LABELS_FILES, readFolderDataset } from './folder/read-folder';
import { isDirectory, isFile } from './fs-utils';
import { findImage, loadGtMask } from './load';
import { readVocDataset } from './voc';
import { locateVocYear } from './voc/locate';

export interface OpenDatasetOptions {
  /** Skip detection and use this reader. */
  format?: DatasetFormat;
  onProgress?: (progress: ScanProgress) => void;
  /** COCO: decode every image header too (VOC and folder always do). Default true. */
  verifyImages?: boolean;
  /** Labelled folder without classes.txt: order of collected classes. */
  classOrder?: 'sorted' | 'first-seen';
}

export class DatasetNotFoundError extends Error {
  constructor(path: string) {
    super(
      `No dataset recognised at ${path}. Looked for: a COCO instances .json file; Pascal VOC (JPEGImages/, VOC20xx/JPEGImages/ or ` +
        'VOCdevkit/VOC20xx/JPEGImages/); COCO (annotations/instances_*.json or instances_*.json); a labelled folder (labels.csv or labels.json).',
    );
    this.name = 'DatasetNotFoundError';
  }
}

/** The format of the dataset at `path`, or null when none is recognised. */
export async function detectDatasetFormat(path: string): Promise<DatasetFormat | null> {
  const abs = resolve(path);
  if (await isFile(abs)) return abs.toLowerCase().endsWith('.json') ? 'coco' : null;
  if (!(await isDirectory(abs))) return null;
  try {
    await locateVocYear(abs);
    return 'voc';
  } catch {
    // not VOC
  }
  if (await detectCocoLayout(abs)) return 'coco';
  for (const name of LABELS_FILES) if (await isFile(resolve(abs, name))) return 'folder';
  return null;
}

export async function openDataset(path: string, options: OpenDatasetOptions = {}): Promise<DatasetIndex> {
  const abs = resolve(path);
  if (!(await isFile(abs)) && !(await isDirectory(abs))) throw new Error(`${abs} does not exist`);
  const format = options.format ?? (await detectDatasetFormat(abs));
  if (!format) throw new DatasetNotFoundError(abs);
  const progress = (phase: string) => (done: number, total: number) => options.onProgress?.({ phase, done, total });
  switch (format) {
    case 'voc':
      return readVocDataset(abs, { onProgress: progress('checking VOC images') });
    case 'coco':
      return readCocoDataset(abs, { verifyImages: options.verifyImages ?? true, onProgress: progress('checking COCO images') });
    case 'folder':
      return readFolderDataset(abs, { classOrder: options.classOrder, onProgress: progress('checking images') });
  }
}

const isCocoIndex = (index: DatasetIndex): index is CocoDatasetIndex => index.format === 'coco' && 'coco' in index;
/** COCO indexes that lost their `coco` field (e.g. passed through a schema): re-read once. */
const reopened = new WeakMap<DatasetIndex, Promise<CocoDatasetIndex>>();

/** The GT class-index mask of an image (255 = void), or null when it has none. */
export async function readGtMask(index: DatasetIndex, id: string): Promise<IndexMask | null> {
  const record: ImageRecord = findImage(index, id);
  if (!record.gt) return null;
  switch (record.gt.kind) {
    case 'png':
      return loadGtMask(index, id);
    case 'coco': {
      let coco: CocoDatasetIndex;
      if (isCocoIndex(index)) coco = index;
      else {
        let pending = reopened.get(index);
        if (!pending) reopened.set(index, (pending = readCocoDataset(index.root)));
        coco = await pending;
      }
      return readCocoGtMask(coco, record);
    }
  }
}
