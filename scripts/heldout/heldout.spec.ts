/**
 * The held-out generator on a tiny synthetic Fashion-MNIST (two IDX files per split written
 * here, so the test needs no Debian package): deterministic by seed, val items come from t10k,
 * masks agree with the annotation, and the VOC reader opens the result with no issue.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGtMask } from '../../src-main/datasets/load';
import { readVocDataset } from '../../src-main/datasets/voc';
import { encodeFmnist, readFmnist, type FmnistItems } from './fmnist';
import { HELDOUT_CLASSES, generateHeldout } from './generate';
import { VOID, renderHeldoutSample } from './render';

const tmp = mkdtempSync(join(tmpdir(), 'eader-heldout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `count` 28×28 items: a filled disc (grey 200) of class `labelOf(i)`. */
function discs(count: number, labelOf: (i: number) => number): FmnistItems {
  const pixels = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < count; i++) {
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) if (Math.hypot(x - 13.5, y - 13.5) < 11) pixels[i * 784 + y * 28 + x] = 200;
  }
  return { count, rows: 28, cols: 28, pixels, labels: Uint8Array.from({ length: count }, (_, i) => labelOf(i)) };
}

function writeFixture(dir: string, train: FmnistItems, test: FmnistItems): void {
  for (const [split, items] of [['train', train], ['t10k', test]] as const) {
    const { images, labels } = encodeFmnist(items);
    writeFileSync(join(dir, `${split}-images-idx3-ubyte.gz`), gzipSync(images));
    writeFileSync(join(dir, `${split}-labels-idx1-ubyte.gz`), gzipSync(labels));
  }
}

describe('Fashion-MNIST IDX reader', () => {
  it('round-trips items and names the file on a bad magic', () => {
    const dir = mkdtempSync(join(tmp, 'idx-'));
    const items = discs(3, (i) => i);
    writeFixture(dir, items, items);
    const read = readFmnist(dir, 'train');
    expect([read.count, read.rows, read.cols]).toEqual([3, 28, 28]);
    expect(Buffer.from(read.pixels).equals(Buffer.from(items.pixels))).toBe(true);
    expect([...read.labels]).toEqual([0, 1, 2]);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(Buffer.from('not an idx file')));
    expect(() => readFmnist(dir, 't10k')).toThrow(/t10k-images-idx3-ubyte\.gz: not an IDX file with magic 2051/);
  });
});

describe('held-out generator', () => {
  // Train items are classes 0..4, test items classes 5..9: a val label below 6 would mean a train item leaked.
  const fixture = join(tmp, 'fmnist');
  const train = discs(40, (i) => i % 5);
  const test = discs(40, (i) => 5 + (i % 5));
  const made = (async () => {
    mkdirSync(fixture, { recursive: true });
    writeFixture(fixture, train, test);
    const a = await generateHeldout({ outDir: join(tmp, 'a'), fmnistDir: fixture, seed: 3, train: 12, val: 6, size: 48 });
    const b = await generateHeldout({ outDir: join(tmp, 'b'), fmnistDir: fixture, seed: 3, train: 12, val: 6, size: 48 });
    return { a, b };
  })();

  it('is deterministic by seed and the seed matters', async () => {
    const { a, b } = await made;
    for (const folder of ['Annotations', 'SegmentationClass', 'ImageSets/Segmentation', 'ImageSets/Main', 'JPEGImages']) {
      for (const name of readdirSync(join(a, folder))) {
        expect(readFileSync(join(a, folder, name)).equals(readFileSync(join(b, folder, name))), `${folder}/${name}`).toBe(true);
      }
    }
    const s1 = renderHeldoutSample(train, 1, 0, 48);
    const s2 = renderHeldoutSample(train, 2, 0, 48);
    expect(Buffer.from(s1.rgb).equals(Buffer.from(s2.rgb))).toBe(false);
  });

  it('opens with the VOC reader with no issue; val labels come from t10k only; masks agree with the labels', async () => {
    const { a } = await made;
    const index = await readVocDataset(join(tmp, 'a'));
    expect(index.issues).toEqual([]);
    expect(index.classes).toEqual(HELDOUT_CLASSES);
    const trainRecords = index.images.filter((r) => r.splits.includes('train'));
    const valRecords = index.images.filter((r) => r.splits.includes('val'));
    expect([trainRecords.length, valRecords.length]).toEqual([12, 6]);
    for (const r of trainRecords) expect(r.labels.every((c) => c >= 1 && c <= 5)).toBe(true);
    for (const r of valRecords) expect(r.labels.every((c) => c >= 6 && c <= 10)).toBe(true);
    for (const r of index.images) {
      const mask = await loadGtMask(index, r.id);
      expect(mask).not.toBeNull();
      const values = new Set(mask!.data);
      for (const v of values) expect(v === 0 || v === VOID || r.labels.includes(v), `${r.id}: mask value ${v}`).toBe(true);
      for (const c of r.labels) expect(values.has(c), `${r.id}: class ${c} has no pixel`).toBe(true);
    }
    expect(readFileSync(join(a, 'classes.txt'), 'utf8').split('\n')[1]).toBe('tshirt');
  });

  it('voids only the mixed rim: a disc item has a solid inside and void only next to its outline', () => {
    const one = discs(1, () => 2);
    const sample = renderHeldoutSample(one, 5, 0, 64);
    const { mask, width } = sample;
    let inside = 0;
    mask.forEach((v, i) => {
      if (v !== VOID) return;
      const x = i % width;
      const y = Math.floor(i / width);
      const near = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => mask[(y + dy) * width + x + dx]));
      // A void pixel touches both the item (3) and background (0) within one pixel, or another void.
      if (!near.includes(0) || !near.includes(3)) inside++;
    });
    expect(inside).toBe(0);
    expect(mask.filter((v) => v === 3).length).toBeGreaterThan(100);
  });
});
