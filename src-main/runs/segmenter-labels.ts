/**
 * A segmenter run's training labels: `labels/pseudo/<imageId>.png` and `labels/trusted/<imageId>.png`
 * in the run folder, class-index PNGs (0 background, 255 ignore) copied from the folders the run was
 * started with (an `eader infer` output, the project's corrected masks). Copying makes a run
 * independent of later edits: it resumes on the labels it began with, and a later round can be
 * compared with it. Every file is checked when copied (a PNG, values that are classes or 255, the
 * image's size when the dataset knows it); an error names the file. The source folders are only read.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { VOID_LABEL, type IndexMask } from '@shared/domain/dataset';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { writeFileAtomic } from '../fs/atomic-write';
import { isInside } from '../fs/confine';

export const LABELS_DIR = 'labels';

export interface LabelPaths {
  dir: string;
  pseudo: string;
  trusted: string;
}

export function labelPaths(runDir: string): LabelPaths {
  const dir = join(resolve(runDir), LABELS_DIR);
  return { dir, pseudo: join(dir, 'pseudo'), trusted: join(dir, 'trusted') };
}

/** `<dir>/<id>.png`, refusing an id that would leave the folder. */
export function maskFileOf(dir: string, id: string): string {
  const file = resolve(dir, `${id}.png`);
  if (!isInside(dir, file)) throw new Error(`image id "${id}" would leave ${dir}`);
  return file;
}

/** The image ids of a folder of `<id>.png` masks (sub-folders give ids with "/"), sorted; [] when it is absent. */
export async function listMaskIds(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries
    .filter((name) => name.toLowerCase().endsWith('.png') && !name.split(sep).some((part) => part.startsWith('.')))
    .map((name) => name.slice(0, -'.png'.length).split(sep).join('/'))
    .sort();
}

/** A mask file's mask, checked: values are classes 0..numClasses−1 or 255. The error names the file. */
export async function readLabelMask(file: string, numClasses: number): Promise<IndexMask> {
  let mask: IndexMask;
  try {
    mask = decodeIndexedPng(await readFile(file)).mask;
  } catch (error) {
    throw new Error(`${file}: not a class-index PNG (${error instanceof Error ? error.message : String(error)}).`);
  }
  for (const v of mask.data) {
    if (v >= numClasses && v !== VOID_LABEL) throw new Error(`${file}: holds value ${v}, which is no class (0..${numClasses - 1}) nor ${VOID_LABEL} (ignore).`);
  }
  return mask;
}

export interface LabelSource {
  /** Folder of `<id>.png` masks to copy. */
  from: string;
  /** Where in the run they go. */
  to: string;
}

/**
 * Copies the masks of `ids` found in `source.from` into `source.to` (atomic writes), checking each.
 * `sizeOf(id)` gives the image's size when known. Returns the ids copied.
 */
export async function copyLabels(source: LabelSource, ids: ReadonlySet<string>, numClasses: number, sizeOf: (id: string) => { width: number; height: number } | null): Promise<string[]> {
  const from = resolve(source.from);
  if (isInside(source.to, from) || isInside(from, source.to)) throw new Error(`${from} and the run's label folder ${source.to} overlap; give a folder outside the run.`);
  const copied: string[] = [];
  await mkdir(source.to, { recursive: true });
  for (const id of await listMaskIds(from)) {
    if (!ids.has(id)) continue;
    const file = maskFileOf(from, id);
    const mask = await readLabelMask(file, numClasses);
    const size = sizeOf(id);
    if (size && (size.width !== mask.width || size.height !== mask.height)) {
      throw new Error(`${file}: the mask is ${mask.width}×${mask.height}, its image ${size.width}×${size.height}.`);
    }
    const target = maskFileOf(source.to, id);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFileAtomic(target, await readFile(file));
    copied.push(id);
  }
  return copied;
}

/** Relative path of a run's label folder, for messages. */
export const shownLabelDir = (runDir: string, dir: string): string => relative(resolve(runDir), dir) || '.';

/** How many of the masks `ids` in `dir` hold each class 1..K (the auto scheme counts the trusted ones). */
export async function maskClassCounts(dir: string, ids: readonly string[], numForeground: number): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const id of ids) {
    const { data } = await readLabelMask(maskFileOf(dir, id), numForeground + 1);
    const present = new Set<number>();
    for (const v of data) if (v >= 1 && v <= numForeground) present.add(v);
    for (const c of present) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return counts;
}
