/**
 * Labelled-folder reader: images + `labels.csv`/`labels.json` (forms in labels-file.ts) → DatasetIndex
 * (format 'folder'). Layout (ROOT is the folder picked):
 *   ROOT/labels.csv | ROOT/labels.json   (both present: the CSV is used and the JSON reported)
 *   ROOT/images/…  or the images directly in ROOT (subfolders allowed: "sub/a.jpg")
 *   ROOT/masks/<id>.png                  optional GT, 8-bit indexed (or ≤8-bit gray) class indices
 *   ROOT/classes.txt                     optional: one class per line, background first (added if missing)
 * Without classes.txt the classes come from the labels file: the one-hot header or JSON "classes"
 * when it declares them, else every label seen, sorted alphabetically (`classOrder: 'sorted'`, the
 * default, stable when rows are added) or in first-seen order (`classOrder: 'first-seen'`).
 * Splits come from the labels file's split column or fields; without them every image is in `all`.
 * Image id = the image path under the images folder without its extension. Every image is checked by
 * reading its header; an image file that no row lists is an issue (it has no labels) and is skipped.
 */
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { DatasetIndex, DatasetIssue, ImageRecord } from '@shared/domain/dataset';
import { vocPalette } from '../../codecs/voc-palette';
import { readRegularText, UnreadableFileError } from '../../fs/read-regular';
import { entryKind, isDirectory, isFile, mapLimit, readHead, relativePosix } from '../fs-utils';
import { readClassesFile } from '../voc/classes';
import { checkMaskHeader } from '../voc/masks';
import { isImageFile, stripExtension, verifyImages } from './image-files';
import { type LabelsFile, parseLabelsCsv, parseLabelsJson } from './labels-file';

export interface ReadFolderOptions {
  classOrder?: 'sorted' | 'first-seen';
  onProgress?: (done: number, total: number) => void;
  concurrency?: number;
}

export const LABELS_FILES = ['labels.csv', 'labels.json'] as const;
/** The one split of a labels file without a split column or field. */
export const NO_SPLIT = 'all';

/**
 * Image files under `dir` (recursively, skipping hidden folders and masks/), relative, posix. By the
 * symlink rule (fs-utils), a symlinked image inside `root` counts; one leading out of it, or a FIFO
 * or device named like an image, is reported to `issues`.
 */
async function listImages(dir: string, skip: Set<string>, root: string, issues: DatasetIssue[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory() && !skip.has(rel)) await walk(rel);
      else if (entry.isFile() && isImageFile(entry.name)) out.push(rel);
      else if (!entry.isDirectory() && isImageFile(entry.name)) {
        const kind = await entryKind(root, join(dir, rel));
        if (kind.kind === 'file') out.push(rel);
        else if (kind.kind === 'outside' || kind.kind === 'special') issues.push({ file: relativePosix(root, join(dir, rel)), reason: kind.reason });
      }
    }
  };
  await walk('');
  return out.sort();
}

export async function readFolderDataset(rootPath: string, options: ReadFolderOptions = {}): Promise<DatasetIndex> {
  const root = resolve(rootPath);
  if (!(await isDirectory(root))) throw new Error(`${root} is not a folder`);
  const issues: DatasetIssue[] = [];
  const [csv, json] = await Promise.all(LABELS_FILES.map((f) => isFile(join(root, f))));
  if (!csv && !json) throw new Error(`${root} is not a labelled folder: looked for labels.csv or labels.json`);
  const labelsName = csv ? 'labels.csv' : 'labels.json';
  if (csv && json) issues.push({ file: 'labels.json', reason: 'both labels.csv and labels.json exist; labels.csv is used' });
  const text = await readRegularText(join(root, labelsName), { root, label: labelsName });
  const labelsFile: LabelsFile = csv ? parseLabelsCsv(text, labelsName) : parseLabelsJson(text, labelsName);
  issues.push(...labelsFile.issues);

  // Classes: classes.txt, else declared by the labels file, else collected.
  let classes: string[];
  const classesEntry = await entryKind(root, join(root, 'classes.txt'));
  if (classesEntry.kind === 'outside' || classesEntry.kind === 'special') {
    issues.push({ file: 'classes.txt', reason: `${classesEntry.reason}; the classes come from ${labelsName} instead` });
  }
  if (classesEntry.kind === 'file') {
    const parsed = await readClassesFile(root, join(root, 'classes.txt'));
    classes = parsed.classes;
    issues.push(...parsed.issues);
  } else {
    const seen = labelsFile.declaredClasses ?? [...new Set(labelsFile.rows.flatMap((r) => r.labels))];
    const names = seen.filter((n) => n.toLowerCase() !== 'background');
    classes = ['background', ...(options.classOrder === 'first-seen' || labelsFile.declaredClasses ? names : [...names].sort())];
    if (classes.length > 255) throw new Error(`${labelsName} names ${classes.length - 1} classes; at most 254 fit an 8-bit mask`);
  }
  const classIndex = new Map(classes.map((name, i) => [name.toLowerCase(), i]));

  const imagesDir = (await isDirectory(join(root, 'images'))) ? join(root, 'images') : root;
  const onDisk = await listImages(imagesDir, new Set(imagesDir === root ? ['masks', 'thumbs'] : []), root, issues);
  const byRel = new Set(onDisk);
  const byStem = new Map<string, string>();
  for (const rel of onDisk) if (!byStem.has(stripExtension(rel))) byStem.set(stripExtension(rel), rel);

  const images: ImageRecord[] = [];
  const used = new Set<string>();
  for (const row of labelsFile.rows) {
    const name = row.image.replaceAll('\\', '/').replace(/^\.\//, '');
    if (isAbsolute(name) || name.split('/').includes('..')) {
      issues.push({ file: labelsName, reason: `${row.where}: image "${row.image}" is outside the images folder; skipped` });
      continue;
    }
    const rel = byRel.has(name) ? name : byStem.get(name);
    if (rel === undefined) {
      issues.push({ file: labelsName, reason: `${row.where}: image "${row.image}" not found; skipped` });
      continue;
    }
    if (used.has(rel)) {
      issues.push({ file: labelsName, reason: `${row.where}: image "${row.image}" is listed again; the first row is used` });
      continue;
    }
    used.add(rel);
    const labels = new Set<number>();
    for (const label of row.labels) {
      const k = classIndex.get(label.toLowerCase());
      if (k === undefined) issues.push({ file: labelsName, reason: `${row.where}: unknown class "${label}" (not in classes.txt); label skipped` });
      else if (k > 0) labels.add(k);
    }
    const file = relativePosix(root, join(imagesDir, rel));
    images.push({ id: stripExtension(rel), file, splits: row.splits ?? [NO_SPLIT], labels: [...labels].sort((a, b) => a - b), gt: null });
  }
  for (const rel of onDisk) {
    if (!used.has(rel)) issues.push({ file: relativePosix(root, join(imagesDir, rel)), reason: `not listed in ${labelsName} (no labels); skipped` });
  }

  const usable = await verifyImages(root, images, issues, { concurrency: options.concurrency, onProgress: options.onProgress });
  await attachMasks(root, usable, issues, options.concurrency ?? 8);
  return { format: 'folder', root, classes, palette: vocPalette(classes.length), images: usable, issues };
}

/** masks/<id>.png → gt, after checking the PNG header against the image size. */
async function attachMasks(root: string, images: ImageRecord[], issues: DatasetIssue[], concurrency: number): Promise<void> {
  const masksDir = join(root, 'masks');
  if (!(await isDirectory(masksDir))) return;
  const ids = new Set(images.map((im) => im.id));
  for (const rel of await listImages(masksDir, new Set(), root, issues)) {
    if (!ids.has(stripExtension(rel)) || !rel.toLowerCase().endsWith('.png')) {
      issues.push({ file: `masks/${rel}`, reason: rel.toLowerCase().endsWith('.png') ? 'mask of no usable image; ignored' : 'mask is not a .png; ignored' });
    }
  }
  await mapLimit(images, concurrency, async (image) => {
    const file = `masks/${image.id}.png`;
    if (!(await isFile(join(root, file)))) return;
    const problem = await readHead(join(root, file), 33, root).then(
      (head) => checkMaskHeader(head, image.width!, image.height!),
      (err: unknown) => (err instanceof UnreadableFileError ? err.reason : `mask cannot be read: ${(err as Error).message}`),
    );
    if (problem) issues.push({ file, reason: `${problem}; the image is kept without GT` });
    else image.gt = { kind: 'png', file };
  });
}
