/**
 * A segmenter run's training masks, decoded once and kept in memory up to a byte budget (past it,
 * decoded again on each use), each capped at the image cache's longest side by nearest neighbour —
 * the batch builder samples a mask at its image's relative position, so sizes need not match.
 */
import type { IndexMask } from '@shared/domain/dataset';
import { maskFileOf, readLabelMask } from '../runs/segmenter-labels';

export class MaskCache {
  private readonly masks = new Map<string, IndexMask>();
  private bytes = 0;

  constructor(
    private readonly numClasses: number,
    private readonly maxSide: number,
    private readonly budgetBytes = 512 * 1024 ** 2,
  ) {}

  async get(dir: string, id: string): Promise<IndexMask> {
    const key = `${dir}\n${id}`;
    const hit = this.masks.get(key);
    if (hit) return hit;
    const mask = shrink(await readLabelMask(maskFileOf(dir, id), this.numClasses), this.maxSide);
    if (this.bytes + mask.data.byteLength <= this.budgetBytes) {
      this.masks.set(key, mask);
      this.bytes += mask.data.byteLength;
    }
    return mask;
  }
}

/** Nearest-neighbour downscale so the longest side is at most `maxSide` (a smaller mask is kept). */
export function shrink(mask: IndexMask, maxSide: number): IndexMask {
  const scale = maxSide / Math.max(mask.width, mask.height);
  if (scale >= 1) return mask;
  const width = Math.max(1, Math.round(mask.width * scale));
  const height = Math.max(1, Math.round(mask.height * scale));
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height)) * mask.width;
    for (let x = 0; x < width; x++) data[y * width + x] = mask.data[row + Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width))]!;
  }
  return { width, height, data };
}
