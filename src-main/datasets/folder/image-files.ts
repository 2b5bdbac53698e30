/** Small file helpers shared by the COCO and labelled-folder readers (read-only: nothing here writes). */
import { readdir } from 'node:fs/promises';
import { extname, relative, sep } from 'node:path';
import sharp from 'sharp';
import type { DatasetIssue, ImageRecord } from '@shared/domain/dataset';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.gif'] as const;

export const isImageFile = (name: string): boolean =>
  (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());

/** `path` relative to `root`, with forward slashes. */
export const posixRelative = (root: string, path: string): string => relative(root, path).split(sep).join('/');

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

/** Read an image's header; throws with a plain reason when it cannot be decoded. */
export async function readImageHeader(path: string): Promise<{ width: number; height: number }> {
  const meta = await sharp(path).metadata();
  if (!meta.width || !meta.height) throw new Error('no image size in the header');
  return { width: meta.width, height: meta.height };
}

/**
 * Check that each image can be decoded (header read, bounded concurrency) and fill in its size. Images
 * that fail, or whose size differs from the size the dataset states, become issues and are dropped.
 */
export async function verifyImages(
  root: string,
  images: ImageRecord[],
  issues: DatasetIssue[],
  concurrency = 8,
): Promise<ImageRecord[]> {
  const ok: boolean[] = new Array<boolean>(images.length).fill(false);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < images.length) {
      const i = next++;
      const image = images[i]!;
      try {
        const { width, height } = await readImageHeader(`${root}/${image.file}`);
        if ((image.width !== undefined && image.width !== width) || (image.height !== undefined && image.height !== height)) {
          issues.push({ file: image.file, reason: `image is ${width}×${height} but the annotations say ${image.width ?? '?'}×${image.height ?? '?'}; skipped` });
          continue;
        }
        image.width = width;
        image.height = height;
        ok[i] = true;
      } catch (err) {
        issues.push({ file: image.file, reason: `cannot read image (${firstLine(err)}); skipped` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, images.length) }, worker));
  return images.filter((_, i) => ok[i]);
}

export const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
