/** Test helpers: tiny real image files and a hash of every file in a tree (to prove nothing was written). */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `eader-${prefix}-`));
}

/** Write a small solid-colour image; the format follows the extension (.png, .jpg, .webp). */
export async function writeImage(path: string, width: number, height: number, rgb: [number, number, number] = [120, 60, 200]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const image = sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  const ext = path.toLowerCase().split('.').pop();
  const bytes = ext === 'png' ? await image.png().toBuffer() : ext === 'webp' ? await image.webp().toBuffer() : await image.jpeg().toBuffer();
  await writeFile(path, bytes);
}

export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** Relative path → sha256 (plus size and mtime) of every file under `root`, folders included by listing. */
export async function hashTree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const key = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        out.set(`${key}/`, 'dir');
        await walk(path, key);
      } else {
        const { mtimeMs, size } = await stat(path);
        out.set(key, `${createHash('sha256').update(await readFile(path)).digest('hex')}:${size}:${mtimeMs}`);
      }
    }
  };
  await walk(root, '');
  return out;
}
