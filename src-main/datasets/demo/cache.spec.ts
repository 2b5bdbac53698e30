/** The learnable demo set in its cache: generated once, reused, keyed by what it is, VOC-clean. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGtMask } from '../load';
import { readVocDataset } from '../voc';
import { LEARNABLE_SPEC, demoCacheKey, ensureDemoDataset } from './cache';
import { DEMO_CLASSES } from './generate';

const tmp = mkdtempSync(join(tmpdir(), 'eader-demo-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the demo cache', () => {
  const small = { train: 24, val: 6 };

  it('generates the set once, then reuses it; the key follows the counts and the spec', async () => {
    const told: string[] = [];
    const dir = await ensureDemoDataset(tmp, small, (d) => told.push(d));
    expect(told).toEqual([dir]);
    const stamp = statSync(join(dir, 'VOCdevkit', 'VOC2012', 'classes.txt')).mtimeMs;
    expect(await ensureDemoDataset(tmp, small, (d) => told.push(d))).toBe(dir);
    expect(told).toHaveLength(1);
    expect(statSync(join(dir, 'VOCdevkit', 'VOC2012', 'classes.txt')).mtimeMs).toBe(stamp);
    expect(readdirSync(tmp).filter((n) => n.startsWith('.'))).toEqual([]); // no staging left behind
    expect(demoCacheKey(small)).not.toBe(demoCacheKey({ ...small, spec: { ...LEARNABLE_SPEC, clutter: 0 } }));
    expect(demoCacheKey(small)).not.toBe(demoCacheKey({ ...small, train: 25 }));
  });

  it('opens cleanly: the demo classes, 64–80 px images, every label in its mask', async () => {
    const dir = await ensureDemoDataset(tmp, small);
    const index = await readVocDataset(dir);
    expect(index.issues).toEqual([]);
    expect(index.classes).toEqual(DEMO_CLASSES);
    expect(index.images.filter((r) => r.splits.includes('train'))).toHaveLength(24);
    expect(index.images.filter((r) => r.splits.includes('val'))).toHaveLength(6);
    for (const r of index.images) {
      expect(r.width! >= 64 && r.width! <= 80 && r.height! >= 64 && r.height! <= 80).toBe(true);
      const mask = (await loadGtMask(index, r.id))!;
      const present = [...new Set(mask.data)].filter((v) => v !== 0 && v !== 255).sort((a, b) => a - b);
      expect(present).toEqual(r.labels);
    }
  });
});
