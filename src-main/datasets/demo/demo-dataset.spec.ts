/**
 * The committed demo dataset (resources/demo) must be exactly what the generator makes from its
 * seed, and must open cleanly with the VOC reader.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetIndex } from '@shared/domain/dataset';
import { decodeImage } from '../image-io';
import { loadGtMask, loadImage } from '../load';
import { readVocDataset } from '../voc';
import { DEMO_CLASSES, DEMO_TRAIN, DEMO_VAL, demoId, generateDemoDataset } from './generate';
import { renderDemoSample } from './render';

const committedRoot = resolve(__dirname, '../../../resources/demo');
const committed = join(committedRoot, 'VOCdevkit', 'VOC2012');
const tmp = mkdtempSync(join(tmpdir(), 'eader-demo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('demo dataset generator', () => {
  let fresh: string;
  beforeAll(async () => {
    fresh = await generateDemoDataset({ outDir: tmp, writeImages: false });
  });

  it.each(['Annotations', 'SegmentationClass', 'ImageSets/Segmentation', 'ImageSets/Main'])(
    'reproduces the committed %s byte for byte',
    (folder) => {
      const names = readdirSync(join(committed, folder)).sort();
      expect(readdirSync(join(fresh, folder)).sort()).toEqual(names);
      for (const name of names) {
        const a = readFileSync(join(fresh, folder, name));
        const b = readFileSync(join(committed, folder, name));
        expect(a.equals(b), `${folder}/${name} differs`).toBe(true);
      }
    },
  );

  it('reproduces classes.txt and the JPEG pixels (loosely: libjpeg builds may differ)', async () => {
    expect(readFileSync(join(fresh, 'classes.txt'), 'utf8')).toBe(readFileSync(join(committed, 'classes.txt'), 'utf8'));
    expect(readdirSync(join(committed, 'JPEGImages'))).toHaveLength(DEMO_TRAIN + DEMO_VAL);
    for (const i of [0, 7, 123, DEMO_TRAIN + DEMO_VAL - 1]) {
      const sample = renderDemoSample(2012, i);
      const image = await decodeImage(join(committed, 'JPEGImages', `${demoId(i)}.jpg`));
      expect([image.width, image.height]).toEqual([sample.width, sample.height]);
      let diff = 0;
      image.data.forEach((v, j) => (diff += Math.abs(v - sample.rgb[j]!)));
      expect(diff / image.data.length).toBeLessThan(8);
    }
  });

  it('depends on the seed', () => {
    const a = renderDemoSample(1, 0);
    const b = renderDemoSample(2, 0);
    expect(a.width === b.width && a.height === b.height && Buffer.from(a.mask).equals(Buffer.from(b.mask))).toBe(false);
  });
});

describe('the committed demo dataset', () => {
  let index: DatasetIndex;
  beforeAll(async () => {
    index = await readVocDataset(committedRoot);
  });

  it('opens with the VOC reader with no issues and the expected counts', () => {
    expect(index.issues).toEqual([]);
    expect(index.classes).toEqual(DEMO_CLASSES);
    expect(index.images).toHaveLength(DEMO_TRAIN + DEMO_VAL);
    expect(index.images.filter((r) => r.splits.join() === 'train')).toHaveLength(DEMO_TRAIN);
    expect(index.images.filter((r) => r.splits.join() === 'val')).toHaveLength(DEMO_VAL);
    for (const r of index.images) {
      expect(r.gt).not.toBeNull();
      expect(r.labels.length).toBeGreaterThanOrEqual(1);
      expect(r.width! >= 96 && r.width! <= 128 && r.height! >= 96 && r.height! <= 128).toBe(true);
    }
    // every class is well represented in both splits
    for (let c = 1; c < DEMO_CLASSES.length; c++) {
      for (const split of ['train', 'val']) {
        const count = index.images.filter((r) => r.splits.includes(split) && r.labels.includes(c)).length;
        expect(count, `${DEMO_CLASSES[c]} in ${split}`).toBeGreaterThanOrEqual(split === 'train' ? 40 : 8);
      }
    }
  });

  it('has XML labels that match the classes in the masks, with a void outline', async () => {
    for (const r of index.images.slice(0, 40)) {
      const mask = (await loadGtMask(index, r.id))!;
      const present = [...new Set(mask.data)].filter((v) => v !== 0 && v !== 255).sort((a, b) => a - b);
      expect(present).toEqual(r.labels);
      expect(mask.data.includes(255)).toBe(true);
    }
  });

  it('does not let colour alone tell the classes apart', async () => {
    // Mean colour of each object region, then a nearest-class-centroid classifier on colour.
    const samples: { cls: number; rgb: number[] }[] = [];
    for (const r of index.images) {
      const [image, mask] = await Promise.all([loadImage(index, r.id), loadGtMask(index, r.id)]);
      for (const cls of r.labels) {
        const sum = [0, 0, 0];
        let n = 0;
        mask!.data.forEach((v, j) => {
          if (v !== cls) return;
          for (let c = 0; c < 3; c++) sum[c]! += image.data[j * 3 + c]!;
          n++;
        });
        samples.push({ cls, rgb: sum.map((s) => s / n) });
      }
    }
    const centroids = DEMO_CLASSES.map((_, cls) => {
      const own = samples.filter((s) => s.cls === cls);
      return [0, 1, 2].map((c) => own.reduce((acc, s) => acc + s.rgb[c]!, 0) / Math.max(1, own.length));
    });
    let correct = 0;
    for (const s of samples) {
      let best = 1;
      for (let cls = 1; cls < DEMO_CLASSES.length; cls++) {
        const d = (k: number) => Math.hypot(...[0, 1, 2].map((c) => s.rgb[c]! - centroids[k]![c]!));
        if (d(cls) < d(best)) best = cls;
      }
      if (best === s.cls) correct++;
    }
    // 5 classes: chance is about 20 %; colour must not do much better.
    expect(correct / samples.length).toBeLessThan(0.35);
  });
});
