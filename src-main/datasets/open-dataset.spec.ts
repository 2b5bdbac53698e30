import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetIndex } from '@shared/domain/dataset';
import { encodeIndexedPng } from '../codecs/indexed-png';
import { tempDir, writeImage, writeText } from '../testing/folder-fixture';
import { DatasetNotFoundError, detectDatasetFormat, openDataset, readGtMask } from './open-dataset';

let base: string;
beforeAll(async () => {
  base = await tempDir('open');
  // VOC: VOCdevkit/VOC2012 with one image.
  await writeImage(join(base, 'voc/VOCdevkit/VOC2012/JPEGImages/2007_000001.jpg'), 4, 4);
  // COCO: annotations/instances_val.json + val/.
  await writeImage(join(base, 'coco/val/x.jpg'), 3, 2);
  await writeText(
    join(base, 'coco/annotations/instances_val.json'),
    JSON.stringify({
      images: [{ id: 5, file_name: 'x.jpg', width: 3, height: 2 }],
      categories: [{ id: 18, name: 'dog' }],
      annotations: [{ id: 1, image_id: 5, category_id: 18, iscrowd: 0, segmentation: { size: [2, 3], counts: [2, 2, 2] } }],
    }),
  );
  // Labelled folder with a mask.
  await writeImage(join(base, 'folder/images/p.png'), 2, 2);
  await writeText(join(base, 'folder/labels.csv'), 'image,labels\np.png,cat\n');
  await mkdir(join(base, 'folder/masks'));
  await writeFile(join(base, 'folder/masks/p.png'), encodeIndexedPng({ width: 2, height: 2, data: Uint8Array.of(0, 1, 255, 1) }));
  await writeText(join(base, 'nothing/readme.txt'), 'hello');
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('openDataset', () => {
  it('detects each format from a folder, a year folder or a json file', async () => {
    expect(await detectDatasetFormat(join(base, 'voc'))).toBe('voc');
    expect(await detectDatasetFormat(join(base, 'voc/VOCdevkit/VOC2012'))).toBe('voc');
    expect(await detectDatasetFormat(join(base, 'coco'))).toBe('coco');
    expect(await detectDatasetFormat(join(base, 'coco/annotations/instances_val.json'))).toBe('coco');
    expect(await detectDatasetFormat(join(base, 'folder'))).toBe('folder');
    expect(await detectDatasetFormat(join(base, 'nothing'))).toBeNull();
  });

  it('dispatches to the reader and reports progress', async () => {
    const phases = new Set<string>();
    const coco = await openDataset(join(base, 'coco'), { onProgress: (p) => phases.add(p.phase) });
    expect(coco).toMatchObject({ format: 'coco', classes: ['background', 'dog'], images: [{ id: 'x', labels: [1] }] });
    expect(phases.has('checking COCO images')).toBe(true);
    expect((await openDataset(join(base, 'voc'))).format).toBe('voc');
    expect((await openDataset(join(base, 'folder'))).format).toBe('folder');
  });

  it('names what it looked for when nothing matches, and says when the path does not exist', async () => {
    const error = await openDataset(join(base, 'nothing')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    expect((error as Error).message).toMatch(/labels\.csv or labels\.json/);
    expect((error as Error).message).toMatch(/JPEGImages/);
    expect((error as Error).message).toMatch(/instances_\*\.json/);
    await expect(openDataset(join(base, 'no-such-dir'))).rejects.toThrow(/does not exist/);
  });

  it('readGtMask dispatches by GT kind: COCO RLE and PNG masks', async () => {
    const coco = await openDataset(join(base, 'coco'));
    // counts [2,2,2] column-major in 2×3: col0 00, col1 11, col2 00.
    expect(Array.from((await readGtMask(coco, 'x'))!.data)).toEqual([0, 1, 0, 0, 1, 0]);
    // Through a copy that lost the COCO extras (zod strips unknown keys), it re-reads the dataset.
    const plain = DatasetIndex.parse(coco);
    expect('coco' in plain).toBe(false);
    expect(Array.from((await readGtMask(plain, 'x'))!.data)).toEqual([0, 1, 0, 0, 1, 0]);
    const folder = await openDataset(join(base, 'folder'));
    expect(Array.from((await readGtMask(folder, 'p'))!.data)).toEqual([0, 1, 255, 1]);
    expect(await readGtMask(await openDataset(join(base, 'voc')), '2007_000001')).toBeNull();
    await expect(readGtMask(folder, 'nope')).rejects.toThrow(/no image with id "nope"/);
  });
});
