/** Decoded training images, kept in memory up to a byte budget (then decoded again on each use). */
import type { DatasetIndex, ImageRecord, RgbImage } from '@shared/domain/dataset';
import { readImage } from './load';

export class ImageCache {
  private readonly images = new Map<string, RgbImage>();
  private bytes = 0;

  constructor(
    private readonly index: DatasetIndex,
    /** Decode at most this long a side (training inputs are cropped and resized anyway). */
    private readonly maxSide: number,
    private readonly budgetBytes = 1.5 * 1024 ** 3,
  ) {}

  get size(): number {
    return this.images.size;
  }

  async get(record: ImageRecord): Promise<RgbImage> {
    const cached = this.images.get(record.id);
    if (cached) return cached;
    const image = await readImage(this.index.root, record, { maxSide: this.maxSide });
    if (this.bytes + image.data.byteLength <= this.budgetBytes) {
      this.images.set(record.id, image);
      this.bytes += image.data.byteLength;
    }
    return image;
  }
}
