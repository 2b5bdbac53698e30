import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree, tempDir, writeImage, writeText } from '../../testing/folder-fixture';
import { CocoFormatError, readCocoDataset, readCocoGtMask } from './coco-reader';
import { rasteriseAnnotations } from './coco-mask';

let root: string;

const instances = {
  images: [
    { id: 10, file_name: 'a.jpg', width: 6, height: 5 },
    { id: 11, file_name: 'b.png', width: 4, height: 4 },
    { id: 12, file_name: 'c.jpg', width: 3, height: 3 },
    { id: 13, file_name: 'broken.jpg', width: 3, height: 3 },
    { id: 14, file_name: 'missing.jpg', width: 3, height: 3 },
    { id: 15, file_name: 'boxonly.jpg', width: 3, height: 3 },
    // A hostile file_name that points outside the dataset (the file exists there).
    { id: 16, file_name: '../../outside.jpg', width: 3, height: 3 },
  ],
  // Sparse ids, listed out of order: dog (3) → class 1, cat (7) → class 2.
  categories: [
    { id: 7, name: 'cat' },
    { id: 3, name: 'dog' },
  ],
  annotations: [
    { id: 1, image_id: 10, category_id: 3, iscrowd: 0, segmentation: [[1, 1, 4, 1, 4, 3, 1, 3]] },
    // Crowd, uncompressed RLE: columns 3..4 of a 5-high image → 15 zeros, 10 ones, 5 zeros.
    { id: 2, image_id: 10, category_id: 7, iscrowd: 1, segmentation: { size: [5, 6], counts: [15, 10, 5] } },
    // Compressed RLE, derived by hand: columns 1..2, rows 0..1 of 4×4 → [4,2,2,2,6] → "4","2","2",
    // then deltas to two back: 2-2 = 0 → "0", 6-2 = 4 → "4".
    { id: 3, image_id: 11, category_id: 7, iscrowd: 0, segmentation: { size: [4, 4], counts: '42204' } },
    { id: 4, image_id: 99, category_id: 3, iscrowd: 0, segmentation: [[0, 0, 1, 0, 1, 1]] },
    { id: 5, image_id: 11, category_id: 42, iscrowd: 0, segmentation: [[0, 0, 1, 0, 1, 1]] },
    { id: 6, image_id: 12, category_id: 3, iscrowd: 0, segmentation: [[0, 0, 1, 1]] },
    { id: 7, image_id: 12, category_id: 3, iscrowd: 0, segmentation: { size: [3, 3], counts: [1, 2] } },
    { id: 8, image_id: 15, category_id: 3, iscrowd: 0, bbox: [0, 0, 1, 1] },
  ],
};

beforeAll(async () => {
  root = await tempDir('coco');
  await writeText(join(root, 'annotations/instances_val.json'), JSON.stringify(instances));
  await writeImage(join(root, 'val/a.jpg'), 6, 5);
  await writeImage(join(root, 'val/b.png'), 4, 4);
  await writeImage(join(root, 'val/c.jpg'), 3, 3);
  await writeImage(join(root, 'val/boxonly.jpg'), 3, 3);
  await writeText(join(root, 'val/broken.jpg'), 'this is not a JPEG');
  await writeImage(join(root, '../outside.jpg'), 3, 3);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(join(root, '../outside.jpg'), { force: true });
});

const reasons = (issues: { file: string; reason: string }[]): string => issues.map((i) => `${i.file}: ${i.reason}`).join('\n');

describe('COCO reader', () => {
  it('maps sparse category ids to contiguous classes and derives image-level labels', async () => {
    const before = await hashTree(root);
    const index = await readCocoDataset(root);
    expect(index.format).toBe('coco');
    expect(index.classes).toEqual(['background', 'dog', 'cat']);
    expect(index.coco.categoryIds).toEqual([3, 7]);
    expect(index.palette[1]).toEqual([128, 0, 0]);
    const byId = new Map(index.images.map((im) => [im.id, im]));
    expect([...byId.keys()].sort()).toEqual(['a', 'b', 'boxonly', 'broken', 'c']);
    expect(byId.get('a')).toMatchObject({ file: 'val/a.jpg', splits: ['val'], labels: [1, 2], width: 6, height: 5, gt: { kind: 'coco', imageId: 10 } });
    expect(byId.get('b')?.labels).toEqual([2]);
    expect(byId.get('c')?.labels).toEqual([]);
    expect(byId.get('boxonly')).toMatchObject({ labels: [1], gt: null });
    expect(await hashTree(root)).toEqual(before);
  });

  it('reports every bad entry and skips it', async () => {
    const { issues } = await readCocoDataset(root);
    const text = reasons(issues);
    expect(text).toMatch(/val\/missing\.jpg: image file is missing/);
    expect(text).toMatch(/annotation 4 refers to unknown image_id 99/);
    expect(text).toMatch(/annotation 5 .* unknown category_id 42/);
    expect(text).toMatch(/annotation 6 .*polygon with 4 coordinates/);
    expect(text).toMatch(/annotation 7 .*RLE counts sum to 3, expected 9/);
    expect(text).toMatch(/\.\.\/\.\.\/outside\.jpg: image 16's file_name leaves the dataset folder/);
    expect(issues).toHaveLength(6);
  });

  it('with verifyImages, an undecodable image is an issue and is dropped', async () => {
    const index = await readCocoDataset(join(root, 'annotations/instances_val.json'), { verifyImages: true });
    expect(index.root).toBe(root);
    expect(index.images.map((im) => im.id)).not.toContain('broken');
    expect(reasons(index.issues)).toMatch(/val\/broken\.jpg: undecodable image/);
  });

  it('rasterises GT: polygon + crowd RLE (crowd → 255 except under an instance), compressed RLE', async () => {
    const index = await readCocoDataset(root);
    const a = await readCocoGtMask(index, index.images.find((im) => im.id === 'a')!);
    const V = 255;
    expect(Array.from(a!.data)).toEqual([
      [0, 0, 0, V, V, 0],
      [0, 1, 1, 1, V, 0],
      [0, 1, 1, 1, V, 0],
      [0, 0, 0, V, V, 0],
      [0, 0, 0, V, V, 0],
    ].flat());
    const b = await readCocoGtMask(index, index.images.find((im) => im.id === 'b')!);
    expect(Array.from(b!.data)).toEqual([0, 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(await readCocoGtMask(index, index.images.find((im) => im.id === 'boxonly')!)).toBeNull();
  });

  it('paints overlapping instances largest first, so the smaller one stays on top', () => {
    const mask = rasteriseAnnotations(
      [
        { id: 1, imageId: 1, categoryId: 5, iscrowd: false, segmentation: { kind: 'polygons', polygons: [[1, 1, 2, 1, 2, 2, 1, 2]] } },
        { id: 2, imageId: 1, categoryId: 6, iscrowd: false, segmentation: { kind: 'polygons', polygons: [[0, 0, 3, 0, 3, 3, 0, 3]] } },
      ],
      3,
      3,
      (id) => (id === 5 ? 1 : 2),
    );
    expect(Array.from(mask.data)).toEqual([2, 2, 2, 2, 1, 2, 2, 2, 2]);
  });

  it('fails clearly on broken JSON and on a JSON that is not COCO', async () => {
    const dir = await tempDir('coco-bad');
    try {
      await writeFile(join(dir, 'instances_x.json'), '{"images": [');
      await expect(readCocoDataset(dir)).rejects.toThrow(/instances_x\.json is not valid JSON/);
      await writeFile(join(dir, 'instances_x.json'), '{"foo": 1}');
      await expect(readCocoDataset(dir)).rejects.toThrow(CocoFormatError);
      await expect(readCocoDataset(dir)).rejects.toThrow(/"images" is missing/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('with two splits, a broken file becomes an issue and the other split is read', async () => {
    const dir = await tempDir('coco-two');
    try {
      await writeText(join(dir, 'annotations/instances_train.json'), '{ not json');
      await writeText(join(dir, 'annotations/instances_val.json'), JSON.stringify({ images: [{ id: 1, file_name: 'x.png', width: 2, height: 2 }], categories: [{ id: 1, name: 'cat' }], annotations: [] }));
      await writeImage(join(dir, 'images/val/x.png'), 2, 2);
      const index = await readCocoDataset(dir);
      expect(index.images).toMatchObject([{ id: 'x', file: 'images/val/x.png', splits: ['val'], labels: [] }]);
      expect(reasons(index.issues)).toMatch(/annotations\/instances_train\.json: .*not valid JSON.*file skipped/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
