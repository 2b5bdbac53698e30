import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ThumbProgress } from '@shared/domain/project-view';
import { createDatasetSession, demoDatasetPath } from './dataset-session';
import { ProjectSession } from './project-session';

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
});
