/**
 * What a dataset holds, counted once for `eader dataset info` and the app's Datasets area: images,
 * images per split, images with GT, images per class, and notes a user must know before training.
 *
 * Images per class: class c ≥ 1 counts the images labelled with c; class 0 (background) counts
 * every image. Background is an implicit label of every image (DatasetIndex: labels hold the
 * foreground classes, an image without labels is background-only), so "images with background"
 * is all of them; how many images have GT masks is a separate number (`withGt`).
 */
import type { DatasetFormat, DatasetIndex, DatasetIssue } from '@shared/domain/dataset';
import { NO_SPLIT } from './folder/read-folder';
import { splitNames } from './select';

export interface DatasetCounts {
  format: DatasetFormat;
  root: string;
  classes: string[];
  images: number;
  withGt: number;
  /** Images per split name (an image may be in several splits). */
  splits: Record<string, number>;
  /** Images per class index; index 0 is every image (see above). */
  perClass: number[];
  issues: DatasetIssue[];
  /** One line each: facts about the dataset that decide what can be trained or scored. */
  notes: string[];
}

export function summarizeDataset(index: DatasetIndex): DatasetCounts {
  const splits: Record<string, number> = {};
  const perClass = new Array<number>(index.classes.length).fill(0);
  let withGt = 0;
  for (const image of index.images) {
    for (const split of image.splits) splits[split] = (splits[split] ?? 0) + 1;
    for (const label of image.labels) if (label < perClass.length) perClass[label] = (perClass[label] ?? 0) + 1;
    if (image.gt) withGt++;
  }
  perClass[0] = index.images.length;
  return { format: index.format, root: index.root, classes: index.classes, images: index.images.length, withGt, splits, perClass, issues: index.issues, notes: notesOf(index) };
}

function notesOf(index: DatasetIndex): string[] {
  const notes: string[] = [];
  const names = splitNames(index);
  if (index.format === 'folder' && names.length === 1 && names[0] === NO_SPLIT) {
    notes.push(`No split column in the labels file: every image is in split "${NO_SPLIT}" (train and infer on "${NO_SPLIT}", or add a split column for real train/val).`);
  }
  else if (index.images.length > 0 && !names.includes('train')) {
    notes.push(`No split named "train": choose the training split among ${names.map((n) => `"${n}"`).join(', ') || 'none'}.`);
  }
  return notes;
}
