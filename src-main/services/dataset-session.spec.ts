import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { crc32 } from 'node:zlib';
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
      { id: 'huge', file: 'huge.png', splits: ['val'], labels: [2], gt: null },
    ],
    issues: [{ file: 'd.jpg', reason: 'undecodable image' }],
  };
}

/** A PNG whose header claims width×height RGB pixels, with one tiny IDAT: a decompression bomb's shape. */
function hugePngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
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
  writeFileSync(join(root, 'huge.png'), hugePngHeader(30_000, 30_000));
});

describe('dataset session', () => {
  it('summarises splits, classes, GT and issues', () => {
    const s = summarize(fakeIndex(), 12.4);
    // Class 0 counts every image, as `eader dataset info` does (datasets/summary.ts).
    expect(s).toMatchObject({ imageCount: 5, withGt: 1, splits: { train: 1, val: 4 }, perClass: [5, 2, 4], issueCount: 1, scanMs: 12, notes: [] });
  });

  it('filters by class, split, GT and review, and pages', async () => {
    const s = session();
    await s.open({ path: root });
    s.setProject(acceptedB);
    expect(s.query({ classIndex: 2 }).items.map((i) => i.id)).toEqual(['b', 'c', 'evil', 'huge']);
    expect(s.query({ split: 'train' }).items.map((i) => i.id)).toEqual(['a']);
    expect(s.query({ hasGt: true }).items.map((i) => i.id)).toEqual(['a']);
    expect(s.query({ review: 'accepted' }).items.map((i) => i.id)).toEqual(['b']);
    const page = s.query({ offset: 1, limit: 2 });
    expect(page).toMatchObject({ total: 5, offset: 1 });
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
    // Image dimensions are bounded: a 900-megapixel header is refused before any pixel is decoded.
    await expect(s.image('huge')).rejects.toThrow(/huge\.png: .*pixel limit/);
    await expect(s.open({ path: join(root, 'nope') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('returns GT only where it exists', async () => {
    const s = session();
    await s.open({ path: root });
    expect(await s.gt('b')).toBeNull();
    expect(await s.gt('a')).toEqual({ width: 2, height: 1, data: Uint8Array.of(0, 1) });
  });
});
