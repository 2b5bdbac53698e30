/** Test helpers: tiny real images on disk and hand-made masks (used by the specs only). */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { IndexMask } from '@shared/domain/dataset';
import { vocPalette } from '../codecs/voc-palette';
import type { ExportItem, ExportSource } from '../export/types';

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `eader-${prefix}-`));
}

/** A mask from rows of characters: '.' = 0, '1'..'9' = class, 'v' = void (255). */
export function maskFromRows(rows: string[]): IndexMask {
  const height = rows.length;
  const width = rows[0]!.length;
  const data = new Uint8Array(width * height);
  rows.forEach((row, y) => {
    if (row.length !== width) throw new Error('ragged mask rows');
    for (let x = 0; x < width; x++) {
      const ch = row[x]!;
      data[y * width + x] = ch === '.' ? 0 : ch === 'v' ? 255 : Number(ch);
    }
  });
  return { width, height, data };
}

/** A deterministic pseudo-random mask with blobs of classes 1..classes-1 and some void. */
export function randomMask(width: number, height: number, classes: number, seed: number): IndexMask {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  const data = new Uint8Array(width * height);
  for (let b = 0; b < 6; b++) {
    const cls = 1 + Math.floor(rand() * (classes - 1));
    const x0 = Math.floor(rand() * width);
    const y0 = Math.floor(rand() * height);
    const w = 1 + Math.floor(rand() * (width / 2));
    const h = 1 + Math.floor(rand() * (height / 2));
    for (let y = y0; y < Math.min(height, y0 + h); y++) for (let x = x0; x < Math.min(width, x0 + w); x++) data[y * width + x] = cls;
  }
  for (let i = 0; i < data.length; i++) if (rand() < 0.03) data[i] = 255;
  return { width, height, data };
}

export interface FixtureItem {
  id: string;
  mask: IndexMask;
  review?: ExportItem['review'];
  splits?: string[];
}

/** Write one small JPEG per item under `<dir>/images/` and return a source over them. */
export async function makeSource(dir: string, classes: string[], specs: FixtureItem[]): Promise<ExportSource & { items: ExportItem[] }> {
  const imageRoot = join(dir, 'dataset');
  await mkdir(join(imageRoot, 'images'), { recursive: true });
  const items: ExportItem[] = [];
  for (const spec of specs) {
    const { width, height } = spec.mask;
    const imageFile = join(imageRoot, 'images', `${spec.id}.jpg`);
    const jpeg = await sharp({ create: { width, height, channels: 3, background: { r: 90, g: 140, b: 30 } } }).jpeg().toBuffer();
    await writeFile(imageFile, jpeg);
    items.push({ id: spec.id, imageFile, width, height, mask: spec.mask, review: spec.review ?? 'accepted', splits: spec.splits });
  }
  return { classes, palette: vocPalette(classes.length), imageRoot, items, total: items.length };
}

/** Run /usr/bin/python3 (the system Python, which has PIL) on a script; resolves with stdout. */
export async function runSystemPython(script: string, args: string[]): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolveRun, reject) => {
    execFile('/usr/bin/python3', ['-c', script, ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`python failed: ${err.message}\n${stderr}`));
      else resolveRun(stdout);
    });
  });
}
