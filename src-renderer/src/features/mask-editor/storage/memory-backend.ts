/**
 * In-memory MaskEditorBackend, for tests and the standalone demo. Saves copy the bytes; a test can
 * make the next saves fail (`failSaves`) to exercise the editor's error path.
 */
import type { RgbImage } from '@shared/domain/dataset';
import type { CamSource, EditorImage, ImageSource, MaskDocument, MaskEditorBackend, MaskPixels, MaskStorage, ReviewRecord, ReviewStorage, Rgb } from './mask-storage';

export interface MemoryImage {
  id: string;
  image: RgbImage;
  mask: Uint8Array;
  /** cams[classIndex] = [H*W] in [0, 1]. */
  cams?: Record<number, Float32Array>;
}

export class MemoryMaskStorage implements MaskStorage {
  readonly masks = new Map<string, MaskPixels>();
  readonly saves: { id: string; at: number }[] = [];
  /** How many of the next saves reject (tests). */
  failSaves = 0;
  /** Milliseconds each save takes (tests of "saving…"). */
  saveDelayMs = 0;

  constructor(
    readonly classes: readonly string[],
    readonly palette: readonly Rgb[],
  ) {}

  load(id: string): Promise<MaskDocument> {
    const mask = this.masks.get(id);
    if (!mask) return Promise.reject(new Error(`no mask for image "${id}"`));
    return Promise.resolve({ ...mask, data: mask.data.slice(), classes: this.classes, palette: this.palette });
  }

  async save(id: string, mask: MaskPixels): Promise<void> {
    if (this.saveDelayMs > 0) await new Promise((r) => setTimeout(r, this.saveDelayMs));
    if (this.failSaves > 0) {
      this.failSaves--;
      throw new Error(`could not save the mask of "${id}": disk full (simulated)`);
    }
    if (mask.data.length !== mask.width * mask.height) throw new Error('mask size does not match its data');
    this.masks.set(id, { width: mask.width, height: mask.height, data: mask.data.slice() });
    this.saves.push({ id, at: Date.now() });
  }
}

export class MemoryReviewStorage implements ReviewStorage {
  readonly reviews = new Map<string, ReviewRecord>();
  get(id: string): Promise<ReviewRecord> {
    return Promise.resolve(this.reviews.get(id) ?? { status: 'unreviewed', comment: '' });
  }
  set(id: string, review: ReviewRecord): Promise<void> {
    this.reviews.set(id, { ...review });
    return Promise.resolve();
  }
}

export interface MemoryBackend extends MaskEditorBackend {
  masks: MemoryMaskStorage;
  reviews: MemoryReviewStorage;
  ids: string[];
}

export function createMemoryBackend(items: readonly MemoryImage[], classes: readonly string[], palette: readonly Rgb[]): MemoryBackend {
  const masks = new MemoryMaskStorage(classes, palette);
  const byId = new Map(items.map((item) => [item.id, item]));
  for (const item of items) masks.masks.set(item.id, { width: item.image.width, height: item.image.height, data: item.mask.slice() });
  const images: ImageSource = {
    load(id): Promise<EditorImage> {
      const item = byId.get(id);
      return item ? Promise.resolve({ rgb: item.image }) : Promise.reject(new Error(`no image "${id}"`));
    },
  };
  const cams: CamSource = { load: (id, classIndex) => Promise.resolve(byId.get(id)?.cams?.[classIndex] ?? null) };
  return { masks, reviews: new MemoryReviewStorage(), images, cams, ids: items.map((i) => i.id) };
}
