import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { VOC_PALETTE } from '../codecs/voc-palette';
import { loadGtMask } from '../datasets/load';
import { readVocDataset } from '../datasets/voc';
import { makeSource, randomMask, tempDir } from '../testing/export-fixture';
import { exportMasks } from './index';
import { ExportError } from './types';

const CLASSES = ['background', 'aeroplane', 'bicycle', 'bird', 'boat'];
let dir: string;

beforeAll(async () => {
  dir = await tempDir('voc-export');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('VOC export', () => {
  it('round-trips through the VOC reader: same ids, splits, classes and masks (void kept)', async () => {
    const specs = [
      { id: '2007_000001', mask: randomMask(33, 21, CLASSES.length, 1), splits: ['train'] },
      { id: '2007_000002', mask: randomMask(18, 40, CLASSES.length, 2), splits: ['val'] },
      { id: '2007_000003', mask: randomMask(25, 25, CLASSES.length, 3) },
    ];
    const source = await makeSource(dir, CLASSES, specs);
    const progress: (string | null)[] = [];
    const summary = await exportMasks('voc', source, join(dir, 'voc'), { onProgress: (p) => progress.push(p.id) });
    expect(progress).toEqual(['2007_000001', '2007_000002', '2007_000003', null, null]);
    expect(summary.files).toContain('ImageSets/Segmentation/trainval.txt');

    const index = await readVocDataset(summary.out);
    expect(index.issues).toEqual([]);
    expect(index.classes).toEqual(CLASSES);
    expect(index.images.map((r) => [r.id, r.splits])).toEqual([
      ['2007_000001', ['train', 'trainval']],
      ['2007_000002', ['trainval', 'val']],
      ['2007_000003', ['trainval']],
    ]);
    for (const spec of specs) {
      const gt = await loadGtMask(index, spec.id);
      expect(gt?.width).toBe(spec.mask.width);
      expect(Buffer.compare(gt!.data, spec.mask.data)).toBe(0);
    }
    const png = decodeIndexedPng(await readFile(join(summary.out, 'SegmentationClass/2007_000001.png')));
    expect(png.palette).toEqual(VOC_PALETTE);
    expect(await readFile(join(summary.out, 'classes.txt'), 'utf8')).toBe(`${CLASSES.join('\n')}\n`);
  });

  it('can hard-link or leave out the images', async () => {
    const source = await makeSource(dir, CLASSES, [{ id: 'x', mask: randomMask(8, 8, CLASSES.length, 9) }]);
    const linked = await exportMasks('voc', source, join(dir, 'voc-link'), { images: 'link' });
    expect(await readFile(join(linked.out, 'JPEGImages/x.jpg'))).toEqual(await readFile(source.items[0]!.imageFile));
    const none = await exportMasks('voc', source, join(dir, 'voc-none'), { images: 'none' });
    expect((await readdir(none.out)).sort()).toEqual(['.eader-export.json', 'ImageSets', 'SegmentationClass', 'classes.txt']);
  });

  it('rejects bad input with a clear message and leaves nothing behind', async () => {
    const bad = { width: 4, height: 4, data: new Uint8Array(16).fill(7) };
    const source = await makeSource(dir, CLASSES, [{ id: 'ok', mask: randomMask(4, 4, CLASSES.length, 4) }, { id: 'bad', mask: bad }]);
    await expect(exportMasks('voc', source, join(dir, 'voc-bad'))).rejects.toThrow(/mask of "bad" has value 7 .* no class index/);
    const left = (await readdir(dir)).filter((n) => n.startsWith('voc-bad'));
    expect(left).toEqual([]);
    const traversal = { ...source, items: [{ ...source.items[0]!, id: '../evil' }] };
    await expect(exportMasks('voc', traversal, join(dir, 'voc-evil'))).rejects.toThrow(ExportError);
    await mkdir(join(dir, 'taken'));
    await expect(exportMasks('voc', source, join(dir, 'taken'))).rejects.toThrow(/already exists/);
  });
});
