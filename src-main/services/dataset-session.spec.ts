import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetIndex } from '@shared/domain/dataset';
import type { ReviewStatus } from '@shared/domain/dataset-view';
import { DatasetSession, summarize } from './dataset-session';

const root = mkdtempSync(join(tmpdir(), 'eader-session-'));

function fakeIndex(): DatasetIndex {
  return {
    format: 'voc',
    root,
    classes: ['background', 'circle', 'square'],
    palette: [
      [0, 0, 0],
      [128, 0, 0],
      [0, 128, 0],
    ],
    images: [
      { id: 'a', file: 'a.jpg', splits: ['train'], labels: [1], width: 300, height: 200, gt: { kind: 'png', file: 'a.png' } },
      { id: 'b', file: 'b.jpg', splits: ['val'], labels: [1, 2], width: 300, height: 200, gt: null },
      { id: 'c', file: 'missing.jpg', splits: ['val'], labels: [2], gt: null },
      { id: 'evil', file: '../../etc/passwd', splits: ['val'], labels: [2], gt: null },
    ],
    issues: [{ file: 'd.jpg', reason: 'undecodable image' }],
  };
}

function session(): DatasetSession {
  return new DatasetSession({
    open: () => Promise.resolve(fakeIndex()),
    readGt: () => Promise.resolve({ width: 2, height: 1, data: Uint8Array.of(0, 1) }),
    onProgress: () => {},
  });
}

const acceptedB = { review: (id: string): ReviewStatus => (id === 'b' ? 'accepted' : 'unreviewed'), thumbnail: () => null };

beforeAll(async () => {
  for (const name of ['a.jpg', 'b.jpg']) {
    await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .jpeg()
      .toFile(join(root, name));
  }
  writeFileSync(join(root, 'broken.jpg'), 'not a jpeg');
});

describe('dataset session', () => {
  it('summarises splits, classes, GT and issues', () => {
    const s = summarize(fakeIndex(), 12.4);
    expect(s).toMatchObject({ imageCount: 4, withGt: 1, splits: { train: 1, val: 3 }, perClass: [1, 2, 3], issueCount: 1, scanMs: 12 });
  });

  it('filters by class, split, GT and review, and pages', async () => {
    const s = session();
    await s.open({ path: root });
    s.setProject(acceptedB);
    expect(s.query({ classIndex: 2 }).items.map((i) => i.id)).toEqual(['b', 'c', 'evil']);
    expect(s.query({ split: 'train' }).items.map((i) => i.id)).toEqual(['a']);
    expect(s.query({ hasGt: true }).items.map((i) => i.id)).toEqual(['a']);
    expect(s.query({ review: 'accepted' }).items.map((i) => i.id)).toEqual(['b']);
    const page = s.query({ offset: 1, limit: 2 });
    expect(page).toMatchObject({ total: 4, offset: 1 });
    expect(page.items.map((i) => i.id)).toEqual(['b', 'c']);
  });

  it('makes thumbnails no larger than 160 px and keeps the original size', async () => {
    const s = session();
    await s.open({ path: root });
    const thumb = await s.thumbnail('a');
    expect(Math.max(thumb.width, thumb.height)).toBe(160);
    expect([thumb.originalWidth, thumb.originalHeight]).toEqual([300, 200]);
    expect(thumb.bytes[0]).toBe(0xff); // JPEG SOI
    expect((await s.thumbnail('a')).bytes).toEqual(thumb.bytes); // from the cache
  });

  it('gives clear errors for unknown ids, missing files and escaping paths', async () => {
    const s = session();
    await expect(s.thumbnail('a')).rejects.toThrow(/No dataset is open/);
    await s.open({ path: root });
    await expect(s.image('zzz')).rejects.toThrow(/No image "zzz"/);
    await expect(s.image('c')).rejects.toThrow(/Cannot decode missing\.jpg/);
    await expect(s.image('evil')).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    await expect(s.open({ path: join(root, 'nope') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('returns GT only where it exists', async () => {
    const s = session();
    await s.open({ path: root });
    expect(await s.gt('b')).toBeNull();
    expect(await s.gt('a')).toEqual({ width: 2, height: 1, data: Uint8Array.of(0, 1) });
  });
});
