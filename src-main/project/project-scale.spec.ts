/** Scale and background work: a 10k-image project opens fast; thumbnails are bounded, report and cancel. */
import { readdir, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import sharp from 'sharp';
import { tempDir, writeImage, writeText } from '../testing/folder-fixture';
import { Project } from './project-store';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function dir(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  dirs.push(d);
  return d;
}
const index = (root: string, images: ImageRecord[]): DatasetIndex => ({ format: 'voc', root, classes: ['background', 'a', 'b', 'c'], palette: [[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]], images, issues: [] });

describe('project at scale', () => {
  it('opens a 10k-image project well under a second', async () => {
    const images: ImageRecord[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `2008_${String(i).padStart(6, '0')}`,
      file: `VOC2012/JPEGImages/2008_${String(i).padStart(6, '0')}.jpg`,
      splits: [i % 5 === 0 ? 'val' : 'train'],
      labels: [1 + (i % 3), ...(i % 7 === 0 ? [3] : [])].filter((v, k, a) => a.indexOf(v) === k).sort(),
      width: 500,
      height: 375,
      gt: i % 2 === 0 ? { kind: 'png', file: `VOC2012/SegmentationClass/${i}.png` } : null,
    }));
    const projectDir = join(await dir('big'), 'p');
    const created = await Project.create(projectDir, { dataset: index(await dir('ds'), images) });
    await Promise.all(Array.from({ length: 50 }, (_, i) => created.setReview(images[i * 3]!.id, 'accepted', `ok ${i}`)));

    await created.close();
    const times: number[] = [];
    let opened: Project | null = null;
    for (let run = 0; run < 3; run++) {
      await opened?.close();
      const t0 = performance.now();
      opened = await Project.open(projectDir);
      times.push(performance.now() - t0);
    }
    const best = Math.min(...times);
    console.log(`open 10k-image project: ${times.map((t) => t.toFixed(0)).join(' / ')} ms (best ${best.toFixed(0)} ms)`);
    expect(opened!.images()).toHaveLength(10_000);
    expect(opened!.images().filter((im) => im.review === 'accepted')).toHaveLength(50);
    expect(opened!.image('2008_000003').comment).toBe('ok 1');
    expect(best).toBeLessThan(1000);
  });
});

describe('thumbnails', () => {
  async function projectWith(count: number, broken = false): Promise<Project> {
    const ds = await dir('thumb-ds');
    const images: ImageRecord[] = [];
    for (let i = 0; i < count; i++) {
      await writeImage(join(ds, `img/${i}.jpg`), 500, 375, [i * 20, 100, 50]);
      images.push({ id: String(i), file: `img/${i}.jpg`, splits: ['train'], labels: [], width: 500, height: 375, gt: null });
    }
    if (broken) {
      await writeText(join(ds, 'img/bad.jpg'), 'not a jpeg');
      images.push({ id: 'bad', file: 'img/bad.jpg', splits: ['train'], labels: [], gt: null });
    }
    return Project.create(join(await dir('thumb-p'), 'p'), { dataset: index(ds, images) });
  }

  it('makes 160 px WebP thumbnails with bounded concurrency and progress; reports failures; skips fresh ones', async () => {
    const project = await projectWith(24, true);
    const ids = project.images().map((im) => im.id);
    const progress: number[] = [];
    const t0 = performance.now();
    const result = await project.thumbs.generate(ids, { concurrency: 4, onProgress: (p) => progress.push(p.done) });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`thumbnails: ${result.made} of 500×375 JPEG in ${seconds.toFixed(2)} s = ${(result.made / seconds).toFixed(0)} / s (4 at once)`);
    expect(result).toMatchObject({ total: 25, done: 25, made: 24, fresh: 0, cancelled: false });
    expect(result.failed).toEqual([{ id: 'bad', reason: expect.any(String) as unknown }]);
    expect(progress).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const meta = await sharp(project.thumbs.path('3')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 160, 120]);

    const again = await project.thumbs.generate(ids.slice(0, 5));
    expect(again).toMatchObject({ made: 0, fresh: 5 });
    // A changed source image makes its thumbnail stale.
    const future = new Date(Date.now() + 60_000);
    await utimes(project.imagePath('2'), future, future);
    expect(await project.thumbs.generate(['1', '2'])).toMatchObject({ made: 1, fresh: 1 });
  });

  it('stops when cancelled', async () => {
    const project = await projectWith(12);
    const controller = new AbortController();
    const result = await project.thumbs.generate(project.images().map((im) => im.id), {
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 3) controller.abort();
      },
    });
    expect(result.cancelled).toBe(true);
    expect(result.done).toBeLessThanOrEqual(4); // the 2 in flight finish
    const made = (await readdir(join(project.dir, 'thumbs'))).filter((n) => n.endsWith('.webp'));
    expect(made.length).toBe(result.done);
  });
});
