/**
 * A snapshot of an opened dataset's index, kept in a project, so that reopening the project does not
 * scan its dataset again while nothing in the dataset changed (a 118k-image COCO set: parsing a
 * 400 MB instances file and checking 118k image headers, tens of seconds).
 *
 * What is compared — the dataset's fingerprint, a list taken by walking the dataset root when the
 * snapshot is written, and checked entry by entry (a stat each, no listing) when it is read:
 *   - every folder: its modification time, which changes whenever an entry is added to it, removed
 *     from it or renamed in it (POSIX; NTFS and APFS alike) — an image added, removed or renamed, a
 *     new annotation file or subfolder;
 *   - every file that is not one of the index's images (instances and annotation files, split lists,
 *     labels files, classes.txt, GT masks: what the readers parse): its size and modification time;
 *   - a symlink: what it points at (size and time), or that it is dangling.
 * The index's own image files are not stat'ed (118k stats would cost more than the target): an image
 * rewritten in place under the same name is not seen. Its header was checked when the snapshot was
 * made; opening the dataset from the Datasets area always scans. The snapshot also records the app
 * version and this file's format, so an upgrade whose readers index the same files differently
 * rescans.
 *
 * Trust: the snapshot is our own file in the project, but it is read like any file we did not just
 * write: bounded (READ_LIMITS.json), parsed with the index's schema, every image and COCO source
 * confined to the root, and it must name the dataset path and root the project records. Anything
 * else (missing, corrupt, foreign, stale) is null, and the caller scans the dataset as usual.
 *
 * A snapshot is written only when nothing fingerprinted was modified in the QUIET_MS before the scan
 * began or since: a dataset changing while it was scanned would otherwise be fingerprinted in its
 * new state with an index of its old one, and on a file system with coarse times (FAT: 2 s) a change
 * just after the scan could keep the time the fingerprint recorded. Written atomically, inside the
 * project, never inside the dataset.
 */
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DatasetIndex, type ImageRecord } from '@shared/domain/dataset';
import { writeFileAtomic } from '../fs/atomic-write';
import { isBelowRelative, isInside } from '../fs/confine';
import { readRegularText } from '../fs/read-regular';
import { packageJsonPath } from '../platform/paths';

export const SNAPSHOT_FORMAT = 'eader-dataset-index/1';
/** Past these, the dataset is not fingerprinted (no snapshot is made; it is scanned each time). */
const MAX_DEPTH = 32;
const MAX_ENTRIES = 1_000_000;
/** How long the dataset must have been untouched before a scan for its snapshot to be written. */
export const QUIET_MS = 3000;
/** Stats at once while checking a fingerprint (a VOC set: ~20k annotation files and masks). */
const STAT_CONCURRENCY = 64;

/** One fingerprinted entry: folder, file (or symlink's target) or dangling symlink; path relative to the root; size; time in ms. */
const FingerprintEntry = z.tuple([z.enum(['d', 'f', 'x']), z.string(), z.number(), z.number()]);
type FingerprintEntry = z.infer<typeof FingerprintEntry>;

/** The index less its images, with what a COCO reader adds (coco-reader.ts CocoDatasetIndex), which GT reads need. */
const SnapshotHead = DatasetIndex.omit({ images: true }).extend({
  coco: z
    .object({
      sources: z.array(z.object({ split: z.string(), annotationFile: z.string(), imagesDir: z.string() })),
      categoryIds: z.array(z.number().int()),
    })
    .optional(),
});

/**
 * One image as a row, like a project's images.json (a 118k-image index as objects through the
 * schema took ~3× the CPU time of these rows checked by hand): id, file, splits, labels, width (0: unknown),
 * height, gt (null, a PNG mask's file, or a COCO image id).
 */
export const SNAPSHOT_COLUMNS = ['id', 'file', 'splits', 'labels', 'width', 'height', 'gt'] as const;
type Row = [string, string, string[], number[], number, number, string | number | null];

const Snapshot = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  /** The app version that made it: its readers made the index. */
  app: z.string(),
  /** The path the dataset was opened from (a COCO instances file, a VOCdevkit folder). */
  path: z.string(),
  /** The fingerprint (see the file's comment). */
  fingerprint: z.array(FingerprintEntry).max(MAX_ENTRIES),
  index: SnapshotHead,
  columns: z.array(z.string()),
  /** Checked by `rowToRecord`, not by the schema (118k rows: no copy, one pass). */
  rows: z.custom<unknown[]>((v) => Array.isArray(v)),
});
type Snapshot = z.infer<typeof Snapshot>;

const toRow = (r: ImageRecord): Row => [r.id, r.file, r.splits, r.labels, r.width ?? 0, r.height ?? 0, r.gt === null ? null : r.gt.kind === 'png' ? r.gt.file : r.gt.imageId];

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isLabelList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x > 0);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** A row back to its record, or null when it is not a well-formed row (ImageRecord's rules, checked by hand). */
function rowToRecord(row: unknown): ImageRecord | null {
  if (!Array.isArray(row) || row.length !== SNAPSHOT_COLUMNS.length) return null;
  const [id, file, splits, labels, width, height, gt] = row as unknown[];
  if (typeof id !== 'string' || typeof file !== 'string' || !isStringList(splits) || !isLabelList(labels) || !isCount(width) || !isCount(height)) return null;
  if (gt !== null && typeof gt !== 'string' && !Number.isInteger(gt)) return null;
  const record: ImageRecord = { id, file, splits, labels, gt: gt === null ? null : typeof gt === 'string' ? { kind: 'png', file: gt } : { kind: 'coco', imageId: gt as number } };
  if (width > 0) record.width = width;
  if (height > 0) record.height = height;
  return record;
}

let version: string | null = null;
function appVersion(): string {
  version ??= String((JSON.parse(readFileSync(packageJsonPath(), 'utf8')) as { version?: unknown }).version ?? '?');
  return version;
}

export interface Fingerprint {
  entries: FingerprintEntry[];
  /** The latest modification time among the entries (ms since the epoch). */
  newestMs: number;
}

// Times to the nearest millisecond: what every file system keeps, and what a time set again
// (utimes, which goes through a double of seconds) gives back.
const ms = Math.round;

/** The fingerprint of the dataset under `index.root` (see the file's comment), or null past the bounds. */
export async function datasetFingerprint(index: DatasetIndex): Promise<Fingerprint | null> {
  const images = new Set(index.images.map((r) => r.file));
  const entries: FingerprintEntry[] = [];
  let newestMs = 0;
  const add = (entry: FingerprintEntry): void => {
    entries.push(entry);
    newestMs = Math.max(newestMs, entry[3]);
  };
  const walk = async (dir: string, rel: string, depth: number): Promise<boolean> => {
    if (depth > MAX_DEPTH || entries.length > MAX_ENTRIES) return false;
    const info = await stat(dir);
    add(['d', rel, 0, ms(info.mtimeMs)]);
    const names = await readdir(dir, { withFileTypes: true });
    const prefix = rel === '' ? '' : `${rel}/`;
    // The index's images are skipped; what is left (folders, annotation files) is taken in name order.
    const rest = names.filter((e) => e.isDirectory() || e.isSymbolicLink() || !images.has(prefix + e.name));
    rest.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of rest) {
      const childRel = prefix + entry.name;
      const child = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(await walk(child, childRel, depth + 1))) return false;
      } else {
        // A symlink counts by what it points at (readers follow those that stay inside the root);
        // a symlinked folder by its time, not walked (no loops).
        const target = await stat(child).catch(() => null);
        add(target ? ['f', childRel, target.size, ms(target.mtimeMs)] : ['x', childRel, 0, 0]);
      }
    }
    return true;
  };
  return (await walk(index.root, '', 0)) && entries.length <= MAX_ENTRIES ? { entries, newestMs } : null;
}

/** Does the dataset under `root` still have every entry of `entries` as it was? One stat each, no listing. */
export async function fingerprintHolds(root: string, entries: readonly FingerprintEntry[]): Promise<boolean> {
  const holds = async ([kind, rel, size, mtime]: FingerprintEntry): Promise<boolean> => {
    const info = await stat(rel === '' ? root : join(root, rel)).catch(() => null);
    if (kind === 'x') return info === null;
    if (!info || ms(info.mtimeMs) !== mtime) return false;
    return kind === 'd' ? info.isDirectory() : info.size === size;
  };
  for (let i = 0; i < entries.length; i += STAT_CONCURRENCY) {
    const results = await Promise.all(entries.slice(i, i + STAT_CONCURRENCY).map(holds));
    if (results.includes(false)) return false;
  }
  return true;
}

/**
 * Write the snapshot of `index` (opened from `path`, its scan begun at `scannedAt`, ms since the
 * epoch) to `file`, atomically. Returns whether it was written: not when the dataset could not be
 * fingerprinted, or changed less than QUIET_MS before the scan began or since.
 */
export async function writeIndexSnapshot(file: string, index: DatasetIndex, path: string, scannedAt: number): Promise<boolean> {
  const fingerprint = await datasetFingerprint(index);
  if (!fingerprint || fingerprint.newestMs >= scannedAt - QUIET_MS) return false;
  const { images, ...head } = index;
  const snapshot: Snapshot = { format: SNAPSHOT_FORMAT, app: appVersion(), path: resolve(path), fingerprint: fingerprint.entries, index: head, columns: [...SNAPSHOT_COLUMNS], rows: images.map(toRow) };
  await writeFileAtomic(file, JSON.stringify(snapshot), { durable: false });
  return true;
}

/** What the snapshot must match: the project's record of its dataset. */
export interface SnapshotExpectation {
  /** The path the dataset is opened from. */
  path: string;
  /** The dataset root. */
  root: string;
}

/** Why a snapshot is not used (for logs and tests), or the index. */
export type SnapshotRead = { index: DatasetIndex } | { rejected: 'missing' | 'corrupt' | 'foreign' | 'changed' };

/**
 * The index in `file` when it is a valid snapshot of the dataset `expect` names and the dataset still
 * has its fingerprint; otherwise why not (the caller then scans the dataset).
 */
export async function readIndexSnapshot(file: string, expect: SnapshotExpectation): Promise<SnapshotRead> {
  let text: string;
  try {
    text = await readRegularText(file, { kind: 'json' });
  } catch {
    return { rejected: 'missing' };
  }
  let snapshot: Snapshot;
  try {
    const parsed = Snapshot.safeParse(JSON.parse(text));
    if (!parsed.success) return { rejected: 'corrupt' };
    snapshot = parsed.data;
  } catch {
    return { rejected: 'corrupt' };
  }
  const { index: head } = snapshot;
  if (snapshot.app !== appVersion() || snapshot.path !== resolve(expect.path) || head.root !== resolve(expect.root)) return { rejected: 'foreign' };
  if (snapshot.columns.join() !== SNAPSHOT_COLUMNS.join()) return { rejected: 'corrupt' };
  // Every path in it stays inside the root, as a reader's would.
  const inside = (p: string): boolean => isInside(head.root, resolve(head.root, p));
  const images: ImageRecord[] = new Array<ImageRecord>(snapshot.rows.length);
  for (let i = 0; i < images.length; i++) {
    const record = rowToRecord(snapshot.rows[i]);
    if (!record || !isBelowRelative(record.file) || (record.gt?.kind === 'png' && !isBelowRelative(record.gt.file))) return { rejected: 'corrupt' };
    images[i] = record;
  }
  if (head.coco && !head.coco.sources.every((s) => inside(s.annotationFile) && inside(s.imagesDir))) return { rejected: 'corrupt' };
  const [first, ...rest] = snapshot.fingerprint;
  if (first?.[0] !== 'd' || first[1] !== '' || !rest.every(([, rel]) => isBelowRelative(rel))) return { rejected: 'corrupt' };
  const index: DatasetIndex = { ...head, images };
  return (await fingerprintHolds(head.root, snapshot.fingerprint)) ? { index } : { rejected: 'changed' };
}
