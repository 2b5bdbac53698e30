/**
 * COCO reader: one or more instances files plus their images folders → a DatasetIndex (format 'coco').
 *
 * Layouts found (see docs/projects.md):
 *   ROOT/annotations/instances_<split>.json + ROOT/<split>/  (or ROOT/images/<split>/, ROOT/images/, ROOT/)
 *   ROOT/instances_<split>.json + the same image folders
 *   any .json instances file given directly (its folder, or the folder above `annotations/`, is ROOT)
 * Each instances file is one split, named after `instances_<split>.json` (else the file's stem).
 *
 * Classes: `categories` sorted by their (sparse) COCO id become contiguous class indices 1..K;
 * background is 0; `coco.categoryIds[k - 1]` is the COCO id of class k. Image-level labels are the
 * classes of an image's annotations, crowd ones included (the class is present). Images with no
 * annotation are kept with no labels (COCO annotates every object of its classes, so they are
 * background-only). An image with a box-only annotation (no segmentation) has `gt: null`.
 * Image ids are file stems, which are unique in COCO; a duplicate stem is an issue and skipped.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { DatasetIndex, DatasetIssue, ImageRecord, IndexMask } from '@shared/domain/dataset';
import { vocPalette } from '../../codecs/voc-palette';
import { isInside } from '../../fs/confine';
import { readRegularText } from '../../fs/read-regular';
import { entryKind, relativePosix as posixRelative } from '../fs-utils';
import { fileNamesIn, stripExtension, verifyImages } from '../folder/image-files';
import { type CocoAnnotation, CocoFormatError, type CocoInstances, parseCocoInstances } from './coco-json';
import { rasteriseAnnotations } from './coco-mask';
import { findCocoAnnotationFiles } from './coco-layout';

export { CocoFormatError } from './coco-json';

export interface CocoSplitSource {
  split: string;
  /** Absolute path of the instances file. */
  annotationFile: string;
  /** Absolute path of the folder its `file_name`s are relative to. */
  imagesDir: string;
}

export interface CocoDatasetIndex extends DatasetIndex {
  format: 'coco';
  coco: { sources: CocoSplitSource[]; categoryIds: number[] };
}

export interface ReadCocoOptions {
  /** The images folder, when it cannot be guessed from the layout. */
  imagesDir?: string;
  /** Decode every image header (slower): undecodable images and size mismatches become issues. */
  verifyImages?: boolean;
  /** Called as image headers are checked (verifyImages only). */
  onProgress?: (done: number, total: number) => void;
}

/** 255 is void and 0 background, so at most 254 categories fit an 8-bit mask. */
const MAX_CATEGORIES = 254;

export async function readCocoDataset(path: string, options: ReadCocoOptions = {}): Promise<CocoDatasetIndex> {
  const { root, files } = await findCocoAnnotationFiles(resolve(path));
  const issues: DatasetIssue[] = [];
  const parsed: { file: string; split: string; data: CocoInstances }[] = [];
  for (const file of files) {
    const rel = posixRelative(root, file);
    try {
      const data = parseCocoInstances(await readRegularText(file, { root, kind: 'json', label: rel }), rel);
      parsed.push({ file, split: splitName(file), data });
      issues.push(...data.issues);
    } catch (err) {
      if (!(err instanceof CocoFormatError) || files.length === 1) throw err;
      issues.push({ file: rel, reason: `${err.message}; file skipped` });
    }
  }

  const categories = new Map<number, string>();
  for (const { file, data } of parsed) {
    for (const c of data.categories) {
      const known = categories.get(c.id);
      if (known !== undefined && known !== c.name) {
        issues.push({ file: posixRelative(root, file), reason: `category id ${c.id} is "${c.name}" here but "${known}" in an earlier file; the first name is kept` });
      } else categories.set(c.id, c.name);
    }
  }
  const categoryIds = [...categories.keys()].sort((a, b) => a - b);
  if (categoryIds.length > MAX_CATEGORIES) {
    throw new CocoFormatError(`${categoryIds.length} categories do not fit an 8-bit mask (at most ${MAX_CATEGORIES}; 0 is background, 255 void)`);
  }
  const classOf = new Map(categoryIds.map((id, k) => [id, k + 1]));
  const classes = ['background', ...categoryIds.map((id) => categories.get(id)!)];

  const sources: CocoSplitSource[] = [];
  const images: ImageRecord[] = [];
  const seenIds = new Map<string, string>();
  for (const { file, split, data } of parsed) {
    const imagesDir = options.imagesDir ? resolve(options.imagesDir) : await guessImagesDir(root, file, split, data);
    sources.push({ split, annotationFile: file, imagesDir });
    const byImage = groupByImage(data.annotations);
    const present = await fileNamesIn(imagesDir);
    for (const im of data.images) {
      const abs = join(imagesDir, im.fileName);
      const rel = posixRelative(root, abs);
      if (!isInside(root, abs)) {
        issues.push({ file: im.fileName, reason: `image ${im.id}'s file_name leaves the dataset folder; skipped` });
        continue;
      }
      // A plain file listed by the folder scan is there; anything else goes through the symlink rule.
      const entry = !im.fileName.includes('/') && present.has(im.fileName) ? { kind: 'file' as const } : await entryKind(root, abs);
      if (entry.kind === 'outside' || entry.kind === 'special') {
        issues.push({ file: rel, reason: `${entry.reason} (image ${im.id} of ${basename(file)}); skipped` });
        continue;
      }
      if (entry.kind !== 'file') {
        issues.push({ file: rel, reason: `image file is missing (listed in ${basename(file)} as image ${im.id}); skipped` });
        continue;
      }
      const id = stripExtension(basename(im.fileName));
      const clash = seenIds.get(id);
      if (clash !== undefined) {
        issues.push({ file: rel, reason: `image id "${id}" is already used by ${clash}; skipped` });
        continue;
      }
      seenIds.set(id, rel);
      const anns = byImage.get(im.id) ?? [];
      const labels = [...new Set(anns.map((a) => classOf.get(a.categoryId)!))].sort((a, b) => a - b);
      const hasMasks = anns.every((a) => a.segmentation !== null);
      images.push({ id, file: rel, splits: [split], labels, width: im.width, height: im.height, gt: hasMasks ? { kind: 'coco', imageId: im.id } : null });
    }
  }
  const usable = options.verifyImages ? await verifyImages(root, images, issues, { onProgress: options.onProgress }) : images;
  return { format: 'coco', root, classes, palette: vocPalette(classes.length), images: usable, issues, coco: { sources, categoryIds } };
}

function splitName(file: string): string {
  const stem = stripExtension(basename(file));
  return stem.startsWith('instances_') && stem.length > 'instances_'.length ? stem.slice('instances_'.length) : stem;
}

function groupByImage(annotations: CocoAnnotation[]): Map<number, CocoAnnotation[]> {
  const by = new Map<number, CocoAnnotation[]>();
  for (const a of annotations) {
    const list = by.get(a.imageId);
    if (list) list.push(a);
    else by.set(a.imageId, [a]);
  }
  return by;
}

/**
 * The candidate folder holding most of the first 20 listed images (ties: the first candidate). Only
 * images that would be read vote: a `file_name` that leaves the dataset from a candidate folder, or
 * a symlink out of it, is no evidence for that folder.
 */
async function guessImagesDir(root: string, annotationFile: string, split: string, data: CocoInstances): Promise<string> {
  const candidates = [...new Set([join(root, split), join(root, 'images', split), join(root, 'images'), root, dirname(annotationFile)])];
  const sample = data.images.slice(0, 20);
  let best = candidates[0]!;
  let bestHits = -1;
  for (const dir of candidates) {
    let hits = 0;
    for (const im of sample) {
      const abs = join(dir, im.fileName);
      if (isInside(root, abs) && (await entryKind(root, abs)).kind === 'file') hits++;
    }
    if (hits > bestHits) [best, bestHits] = [dir, hits];
  }
  return best;
}

// ---- ground truth, rasterised on demand ----

interface LoadedSource {
  mtimeMs: number;
  byImage: Map<number, CocoAnnotation[]>;
}
/** Parsed instances files, newest use last; two kept (train + val) so browsing does not re-parse. */
const cache = new Map<string, LoadedSource>();
const CACHE_SIZE = 2;

async function loadSource(file: string): Promise<LoadedSource> {
  const { mtimeMs } = await stat(file);
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) {
    cache.delete(file);
    cache.set(file, hit);
    return hit;
  }
  const data = parseCocoInstances(await readRegularText(file, { kind: 'json' }), basename(file));
  const loaded = { mtimeMs, byImage: groupByImage(data.annotations) };
  cache.set(file, loaded);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return loaded;
}

/** The GT class-index mask of one image (crowd → 255), or null when the image has no COCO GT. */
export async function readCocoGtMask(index: CocoDatasetIndex, record: ImageRecord): Promise<IndexMask | null> {
  if (record.gt?.kind !== 'coco' || record.width === undefined || record.height === undefined) return null;
  const source = index.coco.sources.find((s) => s.split === record.splits[0]) ?? index.coco.sources[0];
  if (!source) return null;
  const { byImage } = await loadSource(source.annotationFile);
  const classOf = new Map(index.coco.categoryIds.map((id, k) => [id, k + 1]));
  return rasteriseAnnotations(byImage.get(record.gt.imageId) ?? [], record.height, record.width, (id) => classOf.get(id));
}
