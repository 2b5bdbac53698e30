/**
 * A snapshot of an opened dataset's index, kept in a project, so that reopening the project does not
 * scan its dataset again while nothing in the dataset changed (a 118k-image COCO set: parsing a
 * 400 MB instances file and checking 118k image headers, tens of seconds).
 *
 * What is compared — the dataset's fingerprint, taken by walking the dataset root:
 *   - every folder: its modification time and a hash of its sorted listing (names and kinds), so an
 *     image added, removed or renamed anywhere changes it even where folder times are coarse;
 *   - every file that is not one of the index's images (instances and annotation files, split lists,
 *     labels files, classes.txt, GT masks: what the readers parse): its size and modification time;
 *   - a symlink: what it points at (size and time), or that it is dangling.
 * The index's own image files are listed but not stat'ed (118k stats would cost more than the
 * target): an image rewritten in place under the same name, same folder, is not seen. Its header was
 * checked when the snapshot was made; opening the dataset from the Datasets area always scans.
 * The snapshot also records the app version and this file's format, so an upgrade whose readers index
 * the same files differently rescans.
 *
 * Trust: the snapshot is our own file in the project, but it is read like any file we did not just
 * write: bounded (READ_LIMITS.json), parsed with the index's schema, every image and COCO source
 * confined to the root, and it must name the dataset path and root the project records. Anything
 * else (missing, corrupt, foreign, stale) is null, and the caller scans the dataset as usual.
 *
 * A snapshot is written only when nothing fingerprinted was modified after the scan began (a dataset
 * changing while it was scanned would otherwise be fingerprinted in its new state with an index of
 * its old one). Written atomically, inside the project, never inside the dataset.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DatasetIndex } from '@shared/domain/dataset';
import { writeFileAtomic } from '../fs/atomic-write';
import { isInside } from '../fs/confine';
import { readRegularText } from '../fs/read-regular';
import { packageJsonPath } from '../platform/paths';

export const SNAPSHOT_FORMAT = 'eader-dataset-index/1';
/** Past these, the dataset is not fingerprinted (no snapshot is made; it is scanned each time). */
const MAX_DEPTH = 32;
const MAX_ENTRIES = 2_000_000;

/** The index with what a COCO reader adds (coco-reader.ts CocoDatasetIndex), which GT reads need. */
const SnapshotIndex = DatasetIndex.extend({
  coco: z
    .object({
      sources: z.array(z.object({ split: z.string(), annotationFile: z.string(), imagesDir: z.string() })),
      categoryIds: z.array(z.number().int()),
    })
    .optional(),
});

const Snapshot = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  /** The app version that made it: its readers made the index. */
  app: z.string(),
  /** The path the dataset was opened from (a COCO instances file, a VOCdevkit folder). */
  path: z.string(),
  /** sha256 of the fingerprint (see the file's comment). */
  fingerprint: z.string(),
  index: SnapshotIndex,
});
type Snapshot = z.infer<typeof Snapshot>;

let version: string | null = null;
function appVersion(): string {
  version ??= String((JSON.parse(readFileSync(packageJsonPath(), 'utf8')) as { version?: unknown }).version ?? '?');
  return version;
}

export interface Fingerprint {
  /** sha256 of the entries. */
  hash: string;
  /** The latest modification time among the entries (ms since the epoch). */
  newestMs: number;
  entries: number;
}

/** The fingerprint of the dataset under `index.root` (see the file's comment), or null past the bounds. */
export async function datasetFingerprint(index: DatasetIndex): Promise<Fingerprint | null> {
  const images = new Set(index.images.map((r) => r.file));
  const hash = createHash('sha256');
  let newestMs = 0;
  let entries = 0;
  // Times to the millisecond: what every file system keeps and a restored time (utimes) gives back.
  const ms = Math.floor;
  const add = (line: string, mtimeMs: number): void => {
    hash.update(line).update('\n');
    newestMs = Math.max(newestMs, mtimeMs);
    entries++;
  };
  const walk = async (dir: string, rel: string, depth: number): Promise<boolean> => {
    if (depth > MAX_DEPTH || entries > MAX_ENTRIES) return false;
    const info = await stat(dir);
    const names = await readdir(dir, { withFileTypes: true });
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const listing = createHash('sha256');
    for (const entry of names) listing.update(`${entry.isDirectory() ? 'd' : entry.isSymbolicLink() ? 'l' : 'f'} ${entry.name}\n`);
    add(`d ${rel} ${ms(info.mtimeMs)} ${listing.digest('hex')}`, info.mtimeMs);
    entries += names.length;
    for (const entry of names) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const child = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(await walk(child, childRel, depth + 1))) return false;
      } else if (images.has(childRel) && !entry.isSymbolicLink()) continue;
      else {
        // A symlink counts by what it points at (readers follow those that stay inside the root);
        // a symlinked folder by its time, not walked (no loops).
        const target = await stat(child).catch(() => null);
        if (target) add(`f ${childRel} ${target.size} ${ms(target.mtimeMs)}`, target.mtimeMs);
        else add(`x ${childRel}`, 0);
      }
    }
    return true;
  };
  return (await walk(index.root, '', 0)) ? { hash: hash.digest('hex'), newestMs, entries } : null;
}

/**
 * Write the snapshot of `index` (opened from `path`, its scan begun at `scannedAt`, ms since the
 * epoch) to `file`, atomically. Returns whether it was written: not when the dataset could not be
 * fingerprinted or changed after the scan began.
 */
export async function writeIndexSnapshot(file: string, index: DatasetIndex, path: string, scannedAt: number): Promise<boolean> {
  const fingerprint = await datasetFingerprint(index);
  if (!fingerprint || fingerprint.newestMs >= scannedAt) return false;
  const snapshot: Snapshot = { format: SNAPSHOT_FORMAT, app: appVersion(), path: resolve(path), fingerprint: fingerprint.hash, index };
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
  const { index } = snapshot;
  if (snapshot.app !== appVersion() || snapshot.path !== resolve(expect.path) || index.root !== resolve(expect.root)) return { rejected: 'foreign' };
  // Every path in it stays inside the root, as a reader's would.
  const inside = (p: string): boolean => isInside(index.root, resolve(index.root, p));
  const relativeOk = (f: string): boolean => f !== '' && !f.startsWith('/') && !/^[a-zA-Z]:/.test(f) && inside(f);
  if (!index.images.every((r) => relativeOk(r.file) && (r.gt?.kind !== 'png' || relativeOk(r.gt.file)))) return { rejected: 'corrupt' };
  if (index.coco && !index.coco.sources.every((s) => inside(s.annotationFile) && inside(s.imagesDir))) return { rejected: 'corrupt' };
  try {
    return (await datasetFingerprint(index))?.hash === snapshot.fingerprint ? { index } : { rejected: 'changed' };
  } catch {
    return { rejected: 'changed' }; // the dataset is gone or unreadable: scanning it says why
  }
}
