/** Small helpers shared by the COCO and labelled-folder readers (read-only: nothing here writes). */
import { readdir } from 'node:fs/promises';
import { extname } from 'node:path';
import type { DatasetIssue, ImageRecord } from '@shared/domain/dataset';
import { mapLimit } from '../fs-utils';
import { ImageDecodeError, readImageSize } from '../image-io';
import { errorText } from '@shared/envelope';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.gif'] as const;

export const isImageFile = (name: string): boolean =>
  (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());

/** The file name without its last extension ("a/b.c.jpg" → "a/b.c"). */
export const stripExtension = (name: string): string => {
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
};

/** Names in a folder (files only), or an empty set when the folder does not exist. */
export async function fileNamesIn(dir: string): Promise<Set<string>> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  } catch {
    return new Set();
  }
}

export const reasonOf = (err: unknown): string =>
  err instanceof ImageDecodeError ? err.reason : (errorText(err).split('\n')[0] ?? '');

export interface VerifyOptions {
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Read each image's header (bounded concurrency) and fill in its size. Images that cannot be read,
 * or whose size differs from the size the dataset states, become issues and are dropped.
 */
export async function verifyImages(root: string, images: ImageRecord[], issues: DatasetIssue[], options: VerifyOptions = {}): Promise<ImageRecord[]> {
  let done = 0;
  const ok = await mapLimit(images, options.concurrency ?? 8, async (image) => {
    try {
      const { width, height } = await readImageSize(`${root}/${image.file}`, undefined, { root });
      if ((image.width !== undefined && image.width !== width) || (image.height !== undefined && image.height !== height)) {
        issues.push({ file: image.file, reason: `image is ${width}×${height} but the annotations say ${image.width ?? '?'}×${image.height ?? '?'}; skipped` });
        return false;
      }
      image.width = width;
      image.height = height;
      return true;
    } catch (err) {
      issues.push({ file: image.file, reason: `undecodable image: ${reasonOf(err)}; skipped` });
      return false;
    } finally {
      options.onProgress?.(++done, images.length);
    }
  });
  return images.filter((_, i) => ok[i]);
}
