import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import { tempDir, writeImage } from '../testing/folder-fixture';
import { ImageCache } from './image-cache';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('the decoded-image cache', () => {
  it('holds at most its byte budget, however many images pass through, and decodes the rest again', async () => {
    const root = await tempDir('image-cache');
    dirs.push(root);
    const images: ImageRecord[] = [];
    for (let i = 0; i < 5; i++) {
      await writeImage(join(root, `${i}.png`), 20, 10, [i * 40, 100, 50]);
      images.push({ id: String(i), file: `${i}.png`, splits: ['train'], labels: [1], width: 20, height: 10, gt: null });
    }
    const index: DatasetIndex = { format: 'folder', root, classes: ['background', 'a'], palette: [[0, 0, 0], [1, 1, 1]], images, issues: [] };
    const perImage = 20 * 10 * 3;
    const cache = new ImageCache(index, 64, 2 * perImage + 10); // room for two decoded images
    for (let pass = 0; pass < 3; pass++) {
      for (const record of images) {
        const image = await cache.get(record);
        expect([image.width, image.height, image.data[0]]).toEqual([20, 10, Number(record.id) * 40]);
      }
    }
    expect(cache.size).toBe(2);
    expect(cache.heldBytes).toBe(2 * perImage);
    const none = new ImageCache(index, 64, 0);
    await none.get(images[0]!);
    expect([none.size, none.heldBytes]).toEqual([0, 0]);
  });
});
