import { linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCocoScale, type GeneratedCoco } from '../../scripts/bench/coco-scale';
import { openDataset } from './open-dataset';
import { backdateTree } from '../testing/backdate';
import { datasetFingerprint, QUIET_MS, readIndexSnapshot, SNAPSHOT_FORMAT, writeIndexSnapshot } from './index-snapshot';
import type { DatasetIndex } from '@shared/domain/dataset';

let coco: GeneratedCoco;
let index: DatasetIndex;

beforeAll(async () => {
  coco = await generateCocoScale(join(mkdtempSync(join(tmpdir(), 'eader-snap-')), 'coco'), 24, () => undefined);
  backdateTree(coco.root); // a dataset quiet for an hour
  index = await openDataset(coco.root);
});

/** A fresh snapshot of the dataset as it is now (each test puts back what it changed), in a fresh project folder. */
async function snapshotNow(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'eader-snap-project-')), 'dataset-index.json');
  backdateTree(coco.root); // quiet again since the last test's changes
  expect(await writeIndexSnapshot(file, index, coco.annotationFile, Date.now())).toBe(true);
  return file;
}
const expectation = () => ({ path: coco.annotationFile, root: coco.root });
/** Move a file's modification time forward (what an edit does), keeping its bytes. */
const touch = (path: string, seconds = -10): void => {
  const { atimeMs, mtimeMs } = statSync(path);
  utimesSync(path, atimeMs / 1000, mtimeMs / 1000 + seconds);
};
/** A folder's times, to put back after a change (so that only its listing tells). */
const timesOf = (path: string): (() => void) => {
  const { atimeMs, mtimeMs } = statSync(path);
  return () => utimesSync(path, atimeMs / 1000, mtimeMs / 1000);
};

describe('dataset index snapshot', () => {
  it('gives back the same index, COCO sources included, while nothing changed', async () => {
    const file = await snapshotNow();
    const read = await readIndexSnapshot(file, expectation());
    expect(read).toEqual({ index });
    expect('coco' in index && (read as { index: { coco?: unknown } }).index.coco).toEqual((index as DatasetIndex & { coco: unknown }).coco);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: SNAPSHOT_FORMAT, path: coco.annotationFile });
  });

  it('is stale when the instances file, the image folder listing or any other file changed', async () => {
    // The instances file touched (same bytes, another time).
    let file = await snapshotNow();
    touch(coco.annotationFile);
    expect(await readIndexSnapshot(file, expectation())).toEqual({ rejected: 'changed' });
    touch(coco.annotationFile, 10);

    // An image added to the images folder: the folder's time tells.
    file = await snapshotNow();
    const imagesDir = join(coco.root, 'train2017');
    const restoreTimes = timesOf(imagesDir);
    const extra = join(imagesDir, 'extra.jpg');
    linkSync(join(imagesDir, index.images[0]!.file.split('/').pop()!), extra);
    expect(await readIndexSnapshot(file, expectation())).toEqual({ rejected: 'changed' });
    unlinkSync(extra);
    restoreTimes();
    expect(await readIndexSnapshot(file, expectation())).toEqual({ index }); // back as it was: the same fingerprint
    // A folder added beside the images (what a reader of the root would look into).
    mkdirSync(join(coco.root, 'val2017'));
    expect(await readIndexSnapshot(file, expectation())).toEqual({ rejected: 'changed' });
    rmdirSync(join(coco.root, 'val2017'));

    // An image of the index renamed away.
    const first = join(coco.root, index.images[0]!.file);
    renameSync(first, `${first}.moved`);
    expect(await readIndexSnapshot(file, expectation())).toEqual({ rejected: 'changed' });
    renameSync(`${first}.moved`, first);

    // A new annotation file beside the instances file (what a reader of the folder would pick up).
    file = await snapshotNow();
    const val = join(coco.root, 'annotations', 'instances_val2017.json');
    writeFileSync(val, '{}');
    expect(await readIndexSnapshot(file, expectation())).toEqual({ rejected: 'changed' });
    unlinkSync(val);
  });

  it('is not written when the dataset was modified while it was scanned, or just before', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eader-snap-project-')), 'dataset-index.json');
    backdateTree(coco.root);
    const { newestMs } = (await datasetFingerprint(index))!;
    expect(await writeIndexSnapshot(file, index, coco.annotationFile, newestMs)).toBe(false); // changed as the scan began
    expect(await writeIndexSnapshot(file, index, coco.annotationFile, newestMs + QUIET_MS - 1)).toBe(false); // not quiet long enough
    expect(await readIndexSnapshot(file, expectation())).toEqual({ rejected: 'missing' });
    expect(await writeIndexSnapshot(file, index, coco.annotationFile, newestMs + QUIET_MS + 1)).toBe(true);
  });

  it('ignores a corrupt, tampered or foreign snapshot', async () => {
    const file = await snapshotNow();
    type Row = [string, string, string[], number[], number, number, string | number | null];
    const good = JSON.parse(readFileSync(file, 'utf8')) as { index: { coco: { sources: { annotationFile: string }[] } }; app: string; columns: string[]; rows: Row[]; fingerprint: [string, string, number, number][] };
    expect(good.rows).toHaveLength(index.images.length);
    const variant = (edit: (s: typeof good) => void): string => {
      const copy = structuredClone(good);
      edit(copy);
      writeFileSync(file, JSON.stringify(copy));
      return file;
    };
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 1000)); // truncated
    expect(await readIndexSnapshot(file, expectation())).toEqual({ rejected: 'corrupt' });
    writeFileSync(file, '[1,2,3]');
    expect(await readIndexSnapshot(file, expectation())).toEqual({ rejected: 'corrupt' });
    expect(await readIndexSnapshot(variant((s) => ((s.rows[0]![3] as unknown[]) = ['x'])), expectation())).toEqual({ rejected: 'corrupt' }); // labels
    expect(await readIndexSnapshot(variant((s) => ((s.rows[1]![4] as unknown) = -3)), expectation())).toEqual({ rejected: 'corrupt' }); // width
    expect(await readIndexSnapshot(variant((s) => s.rows[2]!.pop()), expectation())).toEqual({ rejected: 'corrupt' }); // a short row
    expect(await readIndexSnapshot(variant((s) => ((s.rows[3] as unknown) = { id: 'x' })), expectation())).toEqual({ rejected: 'corrupt' });
    expect(await readIndexSnapshot(variant((s) => s.columns.reverse()), expectation())).toEqual({ rejected: 'corrupt' });
    expect(await readIndexSnapshot(variant((s) => delete (s as { rows?: unknown }).rows), expectation())).toEqual({ rejected: 'corrupt' });
    // Paths that leave the dataset root are never trusted, even with a matching fingerprint.
    expect(await readIndexSnapshot(variant((s) => (s.rows[0]![1] = '../../etc/passwd')), expectation())).toEqual({ rejected: 'corrupt' });
    expect(await readIndexSnapshot(variant((s) => (s.rows[0]![1] = 'train2017/../../x.jpg')), expectation())).toEqual({ rejected: 'corrupt' });
    expect(await readIndexSnapshot(variant((s) => (s.rows[0]![1] = '/etc/passwd')), expectation())).toEqual({ rejected: 'corrupt' });
    expect(await readIndexSnapshot(variant((s) => (s.rows[0]![6] = '../masks/evil.png')), expectation())).toEqual({ rejected: 'corrupt' }); // a PNG GT outside
    expect(await readIndexSnapshot(variant((s) => (s.fingerprint = [])), expectation())).toEqual({ rejected: 'corrupt' }); // no root entry
    expect(await readIndexSnapshot(variant((s) => s.fingerprint.push(['f', '../../etc/passwd', 1, 1])), expectation())).toEqual({ rejected: 'corrupt' });
    expect(await readIndexSnapshot(variant((s) => (s.index.coco.sources[0]!.annotationFile = '/etc/passwd')), expectation())).toEqual({ rejected: 'corrupt' });
    // Another dataset's, another version's.
    expect(await readIndexSnapshot(variant(() => undefined), { path: join(coco.root, 'other.json'), root: coco.root })).toEqual({ rejected: 'foreign' });
    expect(await readIndexSnapshot(variant(() => undefined), { path: coco.annotationFile, root: join(coco.root, 'annotations') })).toEqual({ rejected: 'foreign' });
    expect(await readIndexSnapshot(variant((s) => (s.app = '0.0.0-old')), expectation())).toEqual({ rejected: 'foreign' });
    // Not a regular file.
    expect(await readIndexSnapshot(join(coco.root, 'train2017'), expectation())).toEqual({ rejected: 'missing' });
    // The untouched one still reads.
    expect(await readIndexSnapshot(variant(() => undefined), expectation())).toEqual({ index });
  });
});
