/**
 * The images of one split, in the one order every per-image loop uses: sorted by image id (code
 * unit order, the same on every machine), so that a job split into shards by id covers exactly
 * what one job covers, and anything written per image is keyed by its id.
 */
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';

export const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The split names of a dataset, sorted. */
export function splitNames(index: DatasetIndex): string[] {
  return [...new Set(index.images.flatMap((r) => r.splits))].sort();
}

/** The images of `split`, sorted by id; an error naming the splits there are when it is empty. */
export function imagesOfSplit(index: DatasetIndex, split: string): ImageRecord[] {
  const records = index.images.filter((r) => r.splits.includes(split));
  if (records.length === 0) {
    throw new Error(`The dataset at ${index.root} has no images in split "${split}" (splits: ${splitNames(index).join(', ') || 'none'}).`);
  }
  return records.sort(byId);
}
