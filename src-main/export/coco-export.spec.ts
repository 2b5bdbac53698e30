import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskFromRows, makeSource, randomMask, tempDir } from '../testing/export-fixture';
import { exportMasks } from './index';
import type { IndexMask } from '@shared/domain/dataset';

/**
 * An independent COCO RLE decoder written from the format (maskApi.c rleFrString / rleDecode):
 * each count is a run of 6-bit groups c − 48, 5 payload bits each, least significant first, bit
 * 0x20 = more groups follow, bit 0x10 of the last group = negative; from the 4th count on the
 * value is a delta to the count two before. Runs alternate 0s and 1s, column-major.
 */
function decodeCocoRle(rle: { size: [number, number]; counts: string }): Uint8Array {
  const [h, w] = rle.size;
  const counts: number[] = [];
  let p = 0;
  while (p < rle.counts.length) {
    let x = 0;
    let k = 0;
    let c: number;
    do {
      c = rle.counts.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      p++;
      k++;
    } while (c & 0x20);
    if (c & 0x10) x |= -1 << (5 * k);
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  const out = new Uint8Array(h * w);
  let pos = 0;
  counts.forEach((n, i) => {
    for (let j = 0; j < n; j++, pos++) if (i % 2 === 1) out[(pos % h) * w + Math.floor(pos / h)] = 1;
  });
  expect(pos).toBe(h * w);
  return out;
}

interface CocoDoc {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    segmentation: { size: [number, number]; counts: string };
    area: number;
    bbox: number[];
    iscrowd: number;
  }[];
  categories: { id: number; name: string }[];
}

const CLASSES = ['background', 'cat', 'dog', 'bird'];
let dir: string;

beforeAll(async () => {
  dir = await tempDir('coco-export');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readDoc(out: string): Promise<CocoDoc> {
  return JSON.parse(await readFile(join(out, 'annotations/instances_default.json'), 'utf8')) as CocoDoc;
}

/** Paint every annotation of an image back into a class mask (void becomes 0). */
function paint(doc: CocoDoc, imageId: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (const a of doc.annotations.filter((x) => x.image_id === imageId)) {
    const bits = decodeCocoRle(a.segmentation);
    for (let i = 0; i < bits.length; i++) {
      if (!bits[i]) continue;
      expect(out[i], `annotations overlap at ${i}`).toBe(0);
      out[i] = a.category_id;
    }
  }
  return out;
}

const withoutVoid = (m: IndexMask): Uint8Array => m.data.map((v) => (v === 255 ? 0 : v));

describe('COCO export', () => {
  it('writes one RLE annotation per 8-connected component with pycocotools bbox and area', async () => {
    const mask = maskFromRows([
      '11....2',
      '11....2',
      '..1...v',
      '......2',
      '33..3..',
    ]);
    const source = await makeSource(dir, CLASSES, [{ id: 'a', mask }]);
    const summary = await exportMasks('coco', source, join(dir, 'out-components'));
    const doc = await readDoc(summary.out);
    expect(doc.categories).toEqual([
      { id: 1, name: 'cat', supercategory: '' },
      { id: 2, name: 'dog', supercategory: '' },
      { id: 3, name: 'bird', supercategory: '' },
    ]);
    expect(doc.images).toEqual([{ id: 1, file_name: 'a.jpg', width: 7, height: 5 }]);
    const boxes = doc.annotations.map((a) => [a.category_id, a.bbox, a.area, a.iscrowd]);
    // The diagonal pixel (2,2) joins the 2×2 cat block; the void pixel splits the dog column.
    expect(boxes).toEqual([
      [1, [0, 0, 3, 3], 5, 0],
      [2, [6, 0, 1, 2], 2, 0],
      [2, [6, 3, 1, 1], 1, 0],
      [3, [0, 4, 2, 1], 2, 0],
      [3, [4, 4, 1, 1], 1, 0],
    ]);
    expect(paint(doc, 1, 7, 5)).toEqual(withoutVoid(mask));
    const files = (await readdir(summary.out, { recursive: true })).map(String).sort();
    expect(files).toEqual(['.eader-export.json', 'annotations', 'annotations/instances_default.json', 'images', 'images/a.jpg']);
  });

  it('writes the compressed counts string byte for byte as pycocotools does (hand-computed)', async () => {
    // Column-major runs: 0 zeros, 20 ones, 10 zeros, 6 ones → counts [0,20,10,6] → "0" "d0" ":" "B" (6 − 20 = −14).
    const data = new Uint8Array(36);
    for (let k = 0; k < 36; k++) {
      const on = k < 20 || k >= 30 ? 1 : 0;
      data[(k % 6) * 6 + Math.floor(k / 6)] = on;
    }
    const source = await makeSource(dir, CLASSES, [{ id: 'b', mask: { width: 6, height: 6, data } }]);
    const doc = await readDoc((await exportMasks('coco', source, join(dir, 'out-string'), { coco: { grouping: 'class' } })).out);
    expect(doc.annotations).toHaveLength(1);
    expect(doc.annotations[0]!.segmentation).toEqual({ size: [6, 6], counts: '0d0:B' });
    expect(doc.annotations[0]!.iscrowd).toBe(1);
    expect(doc.annotations[0]!.area).toBe(26);
    expect(doc.annotations[0]!.bbox).toEqual([0, 0, 6, 6]);
  });

  it('reproduces random masks exactly in both groupings, and filters by review status', async () => {
    const specs = Array.from({ length: 6 }, (_, i) => ({
      id: `img${i}`,
      mask: randomMask(40 + i * 7, 31 + i * 3, CLASSES.length, 1000 + i),
      review: i % 3 === 0 ? ('needs-work' as const) : ('accepted' as const),
    }));
    const source = await makeSource(dir, CLASSES, specs);
    for (const grouping of ['component', 'class'] as const) {
      const summary = await exportMasks('coco', source, join(dir, `out-random-${grouping}`), { coco: { grouping }, only: 'accepted' });
      expect(summary.exported).toBe(4);
      expect(summary.skipped).toBe(2);
      const doc = await readDoc(summary.out);
      const kept = specs.filter((s) => s.review === 'accepted');
      expect(doc.images.map((im) => im.file_name)).toEqual(kept.map((s) => `${s.id}.jpg`));
      kept.forEach((spec, k) => {
        expect(paint(doc, k + 1, spec.mask.width, spec.mask.height)).toEqual(withoutVoid(spec.mask));
      });
      for (const a of doc.annotations) {
        const bits = decodeCocoRle(a.segmentation);
        const [, w] = a.segmentation.size;
        let area = 0;
        let minX = Infinity;
        let minY = Infinity;
        let maxX = -1;
        let maxY = -1;
        bits.forEach((b, i) => {
          if (!b) return;
          area++;
          const x = i % w;
          const y = Math.floor(i / w);
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        });
        expect(a.area).toBe(area);
        expect(a.bbox).toEqual([minX, minY, maxX - minX + 1, maxY - minY + 1]);
      }
    }
  });
});
