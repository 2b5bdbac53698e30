/**
 * Open a Pascal VOC folder as a DatasetIndex (format 'voc'), read-only. Every image is checked
 * from its header (size, format), every mask from its PNG header; bad files become `issues` with
 * a plain reason and are skipped. Image paths in the index are relative to the opened root.
 */
import { extname, join, resolve } from 'node:path';
import type { DatasetIndex, DatasetIssue, ImageRecord } from '@shared/domain/dataset';
import { vocPalette } from '../../codecs/voc-palette';
import { readRegularText, UnreadableFileError } from '../../fs/read-regular';
import { listFiles, mapLimit, readHead, relativePosix } from '../fs-utils';
import { ImageDecodeError, readImageSize } from '../image-io';
import { parseVocAnnotation } from './annotation';
import { loadClassList } from './classes';
import { locateVocYear } from './locate';
import { checkMaskHeader, findMasks, labelsFromMask, type MaskFile } from './masks';
import { readSplitLists } from './splits';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff']);

/** Missing ids reported per split file before the rest are summed up in one issue. */
const MISSING_IDS_REPORTED = 20;

export interface ReadVocOptions {
  /** Called as images are checked. */
  onProgress?: (done: number, total: number) => void;
  /** Files checked at once (default 8). */
  concurrency?: number;
}

interface ImageContext {
  root: string;
  yearDir: string;
  classes: string[];
  classIndex: Map<string, number>;
  classSource: string;
  splits: Map<string, Set<string>>;
  masks: Map<string, MaskFile>;
}

/** The XML text, null when there is none, or the reason it cannot be read (a FIFO, a symlink out of the root). */
async function readAnnotationText(root: string, path: string): Promise<string | null | { refused: string }> {
  try {
    return await readRegularText(path, { root, kind: 'text' });
  } catch (err) {
    if (err instanceof UnreadableFileError) return err.reason === 'file not found' ? null : { refused: err.reason };
    throw err;
  }
}

async function scanImage(ctx: ImageContext, id: string, file: string): Promise<{ record: ImageRecord | null; issues: DatasetIssue[] }> {
  const issues: DatasetIssue[] = [];
  const imagePath = join(ctx.yearDir, 'JPEGImages', file);
  const imageRel = relativePosix(ctx.root, imagePath);
  let size;
  try {
    size = await readImageSize(imagePath, undefined, { root: ctx.root });
  } catch (err) {
    const reason = err instanceof ImageDecodeError ? err.reason : (err as Error).message;
    return { record: null, issues: [{ file: imageRel, reason: `undecodable image: ${reason}` }] };
  }

  let xmlLabels: number[] = [];
  const xmlPath = join(ctx.yearDir, 'Annotations', `${id}.xml`);
  const xmlRel = relativePosix(ctx.root, xmlPath);
  const xml = await readAnnotationText(ctx.root, xmlPath);
  if (xml !== null && typeof xml === 'object') {
    issues.push({ file: xmlRel, reason: `${xml.refused}; its labels are not used` });
  } else if (xml !== null) {
    try {
      const annotation = parseVocAnnotation(xml);
      const unknown = new Set<string>();
      for (const name of annotation.objectNames) {
        const index = ctx.classIndex.get(name.toLowerCase());
        if (index === undefined || index === 0) unknown.add(name);
        else xmlLabels.push(index);
      }
      for (const name of unknown) {
        issues.push({ file: xmlRel, reason: `class "${name}" is not in the class list (${ctx.classSource || 'the 20 VOC classes'}); ignored` });
      }
      if (annotation.width && annotation.height && (annotation.width !== size.width || annotation.height !== size.height)) {
        issues.push({
          file: xmlRel,
          reason: `<size> says ${annotation.width}×${annotation.height} but the image is ${size.width}×${size.height}; using the image's size`,
        });
      }
    } catch (err) {
      issues.push({ file: xmlRel, reason: (err as Error).message });
      xmlLabels = [];
    }
  }

  let gt: ImageRecord['gt'] = null;
  let maskLabels: number[] = [];
  const mask = ctx.masks.get(id);
  if (mask) {
    const maskRel = relativePosix(ctx.root, mask.path);
    const problem = await readHead(mask.path, 33, ctx.root).then(
      (head) => checkMaskHeader(head, size.width, size.height),
      (err: unknown) => (err instanceof UnreadableFileError ? err.reason : `mask cannot be read: ${(err as Error).message}`),
    );
    if (problem) {
      issues.push({ file: maskRel, reason: problem });
    } else if (xmlLabels.length === 0) {
      try {
        const found = await labelsFromMask(mask.path, ctx.classes.length);
        maskLabels = found.labels;
        gt = { kind: 'png', file: maskRel };
        if (found.unknown.length > 0) {
          issues.push({ file: maskRel, reason: `mask has values ${found.unknown.join(', ')} that are not class indices (only ${ctx.classes.length} classes); ignored` });
        }
      } catch (err) {
        issues.push({ file: maskRel, reason: `mask cannot be decoded: ${(err as Error).message}` });
      }
    } else {
      gt = { kind: 'png', file: maskRel };
    }
  }

  const labels = [...new Set(xmlLabels.length > 0 ? xmlLabels : maskLabels)].sort((a, b) => a - b);
  const splits = [...(ctx.splits.get(id) ?? [])].sort();
  return { record: { id, file: imageRel, splits, labels, width: size.width, height: size.height, gt }, issues };
}

export async function readVocDataset(rootPath: string, options: ReadVocOptions = {}): Promise<DatasetIndex> {
  const root = resolve(rootPath);
  const { yearDir, issues: locationIssues } = await locateVocYear(root);
  const issues: DatasetIssue[] = [...locationIssues];
  const classList = await loadClassList(root, yearDir);
  issues.push(...classList.issues);
  const classes = classList.classes;
  const classIndex = new Map(classes.map((name, i) => [name.toLowerCase(), i]));

  // Images: one per id; other files in JPEGImages are reported.
  const imageFiles = new Map<string, string>();
  for (const name of await listFiles(join(yearDir, 'JPEGImages'), { root, issues })) {
    const ext = extname(name);
    const rel = relativePosix(root, join(yearDir, 'JPEGImages', name));
    if (!IMAGE_EXTENSIONS.has(ext.toLowerCase())) {
      issues.push({ file: rel, reason: `not an image file (extension "${ext}")` });
      continue;
    }
    const id = name.slice(0, name.length - ext.length);
    if (imageFiles.has(id)) issues.push({ file: rel, reason: `another image has the same id "${id}"; ignored` });
    else imageFiles.set(id, name);
  }

  const { byId: masks, notPng } = await findMasks(yearDir, { root, issues });
  for (const path of notPng) {
    issues.push({ file: relativePosix(root, path), reason: 'mask is not a PNG; masks must be indexed PNGs of class indices' });
  }
  for (const id of masks.keys()) {
    if (!imageFiles.has(id)) issues.push({ file: relativePosix(root, masks.get(id)!.path), reason: 'mask has no image in JPEGImages' });
  }

  const splits = new Map<string, Set<string>>();
  for (const list of await readSplitLists(root, yearDir, classes, issues)) {
    let missing = 0;
    for (const { id, line } of list.entries) {
      if (!imageFiles.has(id)) {
        missing++;
        if (missing <= MISSING_IDS_REPORTED) issues.push({ file: list.file, reason: `line ${line}: id "${id}" has no image in JPEGImages` });
        continue;
      }
      const set = splits.get(id) ?? new Set<string>();
      set.add(list.name);
      splits.set(id, set);
    }
    if (missing > MISSING_IDS_REPORTED) {
      issues.push({ file: list.file, reason: `${missing - MISSING_IDS_REPORTED} more ids have no image in JPEGImages` });
    }
  }

  const ctx: ImageContext = { root, yearDir, classes, classIndex, classSource: classList.source, splits, masks };
  const entries = [...imageFiles.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let done = 0;
  const scanned = await mapLimit(entries, options.concurrency ?? 8, async ([id, file]) => {
    const result = await scanImage(ctx, id, file);
    options.onProgress?.(++done, entries.length);
    return result;
  });
  const images: ImageRecord[] = [];
  for (const { record, issues: imageIssues } of scanned) {
    if (record) images.push(record);
    issues.push(...imageIssues);
  }
  return { format: 'voc', root, classes, palette: vocPalette(classes.length), images, issues };
}
