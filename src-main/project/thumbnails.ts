/**
 * The thumbs/ cache: `thumbs/<id>.webp`, at most THUMB_SIDE px on the long side, made lazily from the
 * dataset image (which is only read). A thumbnail older than its image is made again. Generation runs
 * in the background with bounded concurrency (sharp does the work on libuv threads), reports progress
 * and stops early when its AbortSignal fires. Thumbnails are a cache, so their writes are atomic
 * (rename) but not fsynced. The source image is the project's confined image path, checked by real
 * path and type before sharp opens it (a crafted images.json or a symlink cannot make the host serve
 * a file from outside the dataset). A read-only project makes thumbnails in memory and writes none.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../fs/atomic-write';
import { isReallyInside } from '../fs/confine';
import { checkRegular } from '../fs/read-regular';
import { THUMBS_DIR, thumbPath } from './project-paths';
import type { ProjectImage } from './project-schema';
import { errorText } from '@shared/envelope';

export const THUMB_SIDE = 160;

export interface ThumbnailOwner {
  image(id: string): ProjectImage;
  /** The image's path in the dataset, confined to its root. */
  imagePath(id: string): string;
  readonly writable: boolean;
}

export interface ThumbnailProgress {
  done: number;
  total: number;
  /** Ids whose thumbnail could not be made, with the reason. */
  failed: { id: string; reason: string }[];
}

export interface GenerateOptions {
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ThumbnailProgress) => void;
}

export interface GenerateResult extends ThumbnailProgress {
  made: number;
  /** Already fresh, nothing to do. */
  fresh: number;
  cancelled: boolean;
}

const mtime = (path: string): Promise<number | null> =>
  stat(path).then(
    (s) => s.mtimeMs,
    () => null,
  );

export class ThumbnailCache {
  constructor(
    private readonly projectDir: string,
    private readonly datasetRoot: string,
    private readonly owner: ThumbnailOwner,
  ) {}

  path(id: string): string {
    return thumbPath(this.projectDir, id);
  }

  /** Make the thumbnail of one image if it is missing or stale. Returns true when it was made. */
  async ensure(id: string): Promise<boolean> {
    const source = this.owner.imagePath(id);
    if (await this.fresh(source, id)) return false;
    const bytes = await this.make(source);
    if (!this.owner.writable) return false; // read-only: made, checked, not cached
    await mkdir(join(this.projectDir, THUMBS_DIR), { recursive: true });
    await writeFileAtomic(this.path(id), bytes, { durable: false });
    return true;
  }

  /** Is the cached thumbnail at least as new as its image? */
  private async fresh(source: string, id: string): Promise<boolean> {
    const [sourceTime, thumbTime] = await Promise.all([mtime(source), mtime(this.path(id))]);
    if (sourceTime === null) throw new Error(`image file ${source} is missing`);
    if (!(await isReallyInside(this.datasetRoot, source))) throw new Error(`image file ${source} is a symlink that leads out of the dataset folder; it is not read`);
    return thumbTime !== null && thumbTime >= sourceTime;
  }

  private async make(source: string): Promise<Buffer> {
    await checkRegular(source, { root: this.datasetRoot, kind: 'image' });
    return sharp(source, { failOn: 'warning' })
      .rotate()
      .resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
  }

  /** The thumbnail's bytes (WebP), made first when needed (in memory only when read-only). */
  async get(id: string): Promise<Buffer> {
    const source = this.owner.imagePath(id);
    if (!this.owner.writable && !(await this.fresh(source, id))) return this.make(source);
    await this.ensure(id);
    return readFile(this.path(id));
  }

  /** Make the thumbnails of `ids` (default concurrency 4). Resolves when done or cancelled. */
  async generate(ids: readonly string[], options: GenerateOptions = {}): Promise<GenerateResult> {
    const result: GenerateResult = { done: 0, total: ids.length, failed: [], made: 0, fresh: 0, cancelled: false };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        if (options.signal?.aborted) {
          result.cancelled = true;
          return;
        }
        const id = ids[next++]!;
        try {
          if (await this.ensure(id)) result.made++;
          else result.fresh++;
        } catch (err) {
          result.failed.push({ id, reason: errorText(err).split('\n')[0] ?? '' });
        }
        result.done++;
        options.onProgress?.({ done: result.done, total: result.total, failed: result.failed });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, ids.length)) }, worker));
    return result;
  }
}
