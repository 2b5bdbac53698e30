/**
 * The trainer's and the CLI's view of a dataset: open its index (the VOC reader), decode images
 * (image-io, optionally at a bounded size) and ground-truth masks (indexed-PNG codec), and keep
 * decoded training images in memory under a byte budget.
 */
import { resolve } from 'node:path';
import type { DatasetIndex, ImageRecord, IndexMask, RgbImage } from '@shared/domain/dataset';
import { loadGtMask as loadGtMaskById, loadImage } from '../datasets/load';
import { readVocDataset } from '../datasets/voc';

export async function openDataset(root: string): Promise<DatasetIndex> {
  return readVocDataset(resolve(root));
}

export function imagesOfSplit(index: DatasetIndex, split: string): ImageRecord[] {
  const records = index.images.filter((r) => r.splits.includes(split));
  if (records.length === 0) {
    const splits = [...new Set(index.images.flatMap((r) => r.splits))].sort();
    throw new Error(`The dataset at ${index.root} has no images in split "${split}" (splits: ${splits.join(', ') || 'none'}).`);
  }
  return records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function loadRgb(index: DatasetIndex, record: ImageRecord, maxSide?: number): Promise<RgbImage> {
  return loadImage(index, record.id, maxSide === undefined ? {} : { maxSide });
}

/** The ground-truth class mask of an image, or null when it has none. */
export async function loadGtMask(index: DatasetIndex, record: ImageRecord): Promise<IndexMask | null> {
  return loadGtMaskById(index, record.id);
}

/** Decoded training images, kept in memory up to a byte budget (then decoded again on each use). */
export class ImageCache {
  private readonly images = new Map<string, RgbImage>();
  private bytes = 0;

  constructor(
    private readonly index: DatasetIndex,
    private readonly maxSide: number,
    private readonly budgetBytes = 1.5 * 1024 ** 3,
  ) {}

  get size(): number {
    return this.images.size;
  }

  async get(record: ImageRecord): Promise<RgbImage> {
    const cached = this.images.get(record.id);
    if (cached) return cached;
    const image = await loadRgb(this.index, record, this.maxSide);
    if (this.bytes + image.data.byteLength <= this.budgetBytes) {
      this.images.set(record.id, image);
      this.bytes += image.data.byteLength;
    }
    return image;
  }
}
