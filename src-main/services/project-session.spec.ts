import { existsSync, mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ThumbProgress } from '@shared/domain/project-view';
import { readdir } from 'node:fs/promises';
import { generateCocoScale } from '../../scripts/bench/coco-scale';
import { openDataset, readGtMask } from '../datasets/open-dataset';
import { INDEX_SNAPSHOT_FILE } from '../project/project-paths';
import { backdateTree } from '../testing/backdate';
import { createDatasetSession, DatasetSession, demoDatasetPath } from './dataset-session';
import { ProjectSession, THUMB_PREFETCH } from './project-session';

function sessions(progress: ThumbProgress[] = []) {
  const datasets = createDatasetSession(() => {});
  return { datasets, projects: new ProjectSession(datasets, (p) => progress.push(p)) };
}

describe('project session', () => {
  it('creates a project for the open dataset, keeps reviews, and serves thumbnails from it', async () => {
    const progress: ThumbProgress[] = [];
    const { datasets, projects } = sessions(progress);
    await datasets.open({ demo: true });
    const dir = join(mkdtempSync(join(tmpdir(), 'eader-proj-')), 'p');
    const info = await projects.create(dir);
    expect(info).toMatchObject({ dir, imageCount: 300, reviewed: { unreviewed: 300 } });

    const first = datasets.query({ limit: 1 }).items[0]!;
    await projects.setReview({ id: first.id, status: 'accepted', comment: 'looks right' });
    expect(datasets.query({ review: 'accepted' }).items.map((i) => i.id)).toEqual([first.id]);
    expect(projects.info()?.reviewed.accepted).toBe(1);

    const thumb = await datasets.thumbnail(first.id);
    expect(thumb.mime).toBe('image/webp');
    expect(existsSync(join(dir, 'thumbs'))).toBe(true);
    await expect.poll(() => progress.at(-1)?.finished, { timeout: 60_000 }).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: 300, total: 300, failed: 0 });

    // A second session (a second host) is refused while the first has it open, naming the holder.
    const again = sessions();
    await expect(again.projects.open(dir)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/is in use by eader .*pid \d+/) as unknown });
    // Re-open from disk once the first let go: the review survived.
    await projects.close();
    const reopened = await again.projects.open(dir);
    expect(reopened.reviewed.accepted).toBe(1);
    expect(again.datasets.current()?.imageCount).toBe(300);
  });

  it('refuses a project inside the dataset folder, and reviews without a project', async () => {
    const { datasets, projects } = sessions();
    await datasets.open({ demo: true });
    await expect(projects.create(join(demoDatasetPath(), 'proj'))).rejects.toThrow(/inside the dataset folder/);
    await expect(projects.setReview({ id: 'x', status: 'accepted' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(projects.open(mkdtempSync(join(tmpdir(), 'eader-empty-')))).rejects.toThrow(/not an EADER Workbench project/);
  });

  it('makes only the first images’ thumbnails in the background; the rest when the grid asks for them', async () => {
    const progress: ThumbProgress[] = [];
    const { datasets, projects } = sessions(progress);
    const root = join(mkdtempSync(join(tmpdir(), 'eader-proj-many-')), 'coco');
    const count = THUMB_PREFETCH + 20;
    await generateCocoScale(root, count, () => undefined);
    await datasets.open({ path: root });
    const dir = join(mkdtempSync(join(tmpdir(), 'eader-proj-')), 'p');
    await projects.create(dir);
    await expect.poll(() => progress.at(-1)?.finished, { timeout: 60_000 }).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: THUMB_PREFETCH, total: THUMB_PREFETCH, failed: 0 });
    expect(await readdir(join(dir, 'thumbs'))).toHaveLength(THUMB_PREFETCH);
    const last = datasets.query({ offset: count - 1, limit: 1 }).items[0]!;
    expect((await datasets.thumbnail(last.id)).mime).toBe('image/webp'); // made on demand, and kept
    expect(await readdir(join(dir, 'thumbs'))).toHaveLength(THUMB_PREFETCH + 1);
  });

  it('reopens from the snapshot of its dataset index; a changed dataset or a corrupt snapshot is scanned again', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'eader-proj-snap-')), 'coco');
    const coco = await generateCocoScale(root, 30, () => undefined);
    backdateTree(root); // quiet for an hour: a snapshot is written only for a dataset not changing as it is scanned
    let scans = 0;
    const counting = () => {
      const datasets = new DatasetSession({ open: (path, progress) => (scans++, openDataset(path, { onProgress: progress })), readGt: readGtMask, onProgress: () => {} });
      return { datasets, projects: new ProjectSession(datasets, () => {}) };
    };
    const first = counting();
    await first.datasets.open({ path: coco.annotationFile });
    const dir = join(mkdtempSync(join(tmpdir(), 'eader-proj-')), 'p');
    await first.projects.create(dir);
    expect(existsSync(join(dir, INDEX_SNAPSHOT_FILE))).toBe(true);
    const scanned = first.datasets.dataset();
    await first.projects.close();
    expect(scans).toBe(1);

    const reopen = async () => {
      const s = counting();
      const info = await s.projects.open(dir);
      await s.projects.close();
      return { s, info };
    };
    // Nothing changed: the index comes from the project, the dataset is not scanned.
    let { s, info } = await reopen();
    expect(scans).toBe(1);
    expect(s.projects.lastIndexSource).toBe('snapshot');
    expect(s.datasets.dataset()).toEqual(scanned);
    expect(info.imageCount).toBe(30);
    expect(await s.datasets.gt(scanned.images[0]!.id)).not.toBeNull(); // COCO GT still reads (its sources came back)

    // The instances file edited (a time is enough): scanned again, and the snapshot renewed.
    const { atime, mtime } = statSync(coco.annotationFile);
    utimesSync(coco.annotationFile, atime, new Date(mtime.getTime() - 5000));
    ({ s } = await reopen());
    expect([scans, s.projects.lastIndexSource]).toEqual([2, 'changed']);
    ({ s } = await reopen());
    expect([scans, s.projects.lastIndexSource]).toEqual([2, 'snapshot']);

    // A corrupt snapshot is ignored, the dataset scanned, the snapshot written again.
    writeFileSync(join(dir, INDEX_SNAPSHOT_FILE), '{"format":"eader-dataset-index/1","index":');
    ({ s, info } = await reopen());
    expect([scans, s.projects.lastIndexSource, info.imageCount]).toEqual([3, 'corrupt', 30]);
    ({ s } = await reopen());
    expect([scans, s.projects.lastIndexSource]).toEqual([3, 'snapshot']);
  });
});
