import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeIndexedPng, encodeIndexedPng } from '../codecs/indexed-png';
import { writeShapesVoc } from '../testing/shapes-fixture';
import { registerEval } from './eval';
import { runEval } from './eval-run';

let root: string;
let val: string[];
const gtFile = (id: string): string => join(root, 'VOCdevkit/VOC2012/SegmentationClass', `${id}.png`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-eval-'));
  ({ val } = await writeShapesVoc(root, { train: 2, val: 3, seed: 3 }));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writePredictions(dir: string, make: (gt: Uint8Array) => Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const id of val) {
    const gt = decodeIndexedPng(await readFile(gtFile(id))).mask;
    await writeFile(join(dir, `${id}.png`), encodeIndexedPng({ width: gt.width, height: gt.height, data: make(gt.data) }));
  }
}

/** Hand count: pixels per (gt, pred) over the val GT, void ignored. */
async function counts(make: (gt: Uint8Array) => Uint8Array): Promise<number[][]> {
  const m = [0, 1, 2].map(() => [0, 0, 0]);
  for (const id of val) {
    const gt = decodeIndexedPng(await readFile(gtFile(id))).mask.data;
    const pred = make(gt);
    gt.forEach((g, i) => {
      if (g !== 255) m[g]![pred[i]!]! += 1;
    });
  }
  return m;
}

describe('eader eval', () => {
  it('scores the ground truth itself as perfect', async () => {
    const dir = join(root, 'pred-perfect');
    await writePredictions(dir, (gt) => gt);
    const report = await runEval({ pred: dir, dataset: root, split: 'val' });
    expect(report.images).toBe(3);
    expect(report.miou).toBe(1);
    expect(report.perClass.map((c) => c.name)).toEqual(['background', 'square', 'disc']);
  });

  it('matches a hand count for all-background and for a square→disc swap', async () => {
    const allBg = (gt: Uint8Array): Uint8Array => new Uint8Array(gt.length);
    const dir = join(root, 'pred-bg');
    await writePredictions(dir, allBg);
    const m = await counts(allBg);
    const bgTotal = m[0]![0]! + m[1]![0]! + m[2]![0]!;
    const report = await runEval({ pred: dir, dataset: root, split: 'val' });
    expect(report.perClass[0]!.iou).toBeCloseTo(m[0]![0]! / bgTotal, 12);
    expect(report.perClass[1]!.iou).toBe(0);
    expect(report.perClass[1]!.recall).toBe(0);
    expect(report.perClass[1]!.precision).toBeNull();
    expect(report.miou).toBeCloseTo(m[0]![0]! / bgTotal / 3, 12);

    const swap = (gt: Uint8Array): Uint8Array => gt.map((v) => (v === 1 ? 2 : v === 255 ? 0 : v));
    const dir2 = join(root, 'pred-swap');
    await writePredictions(dir2, swap);
    const s = await counts(swap);
    const swapped = await runEval({ pred: dir2, dataset: root, split: 'val' });
    const discPred = s[0]![2]! + s[1]![2]! + s[2]![2]!;
    expect(swapped.perClass[2]!.precision).toBeCloseTo(s[2]![2]! / discPred, 12);
    expect(swapped.perClass[0]!.iou).toBe(1);
  });

  it('lists missing predictions, or scores them as background on request', async () => {
    const dir = join(root, 'pred-partial');
    await writePredictions(dir, (gt) => gt);
    await rm(join(dir, `${val[1]}.png`));
    await expect(runEval({ pred: dir, dataset: root, split: 'val' })).rejects.toThrow(new RegExp(`1 of 3 val images have no prediction.*${val[1]}`));
    const report = await runEval({ pred: dir, dataset: root, split: 'val', missingAsBackground: true });
    expect(report.missing).toEqual([val[1]]);
    expect(report.miou).toBeLessThan(1);
  });

  it('refuses a prediction that is a /dev/zero symlink at once, naming it, instead of reading without bound', async () => {
    const dir = join(root, 'pred-zero');
    await writePredictions(dir, (gt) => gt);
    await rm(join(dir, `${val[0]}.png`));
    await symlink('/dev/zero', join(dir, `${val[0]}.png`));
    await expect(runEval({ pred: dir, dataset: root, split: 'val' })).rejects.toThrow(new RegExp(`${val[0]}\\.png: .*is a character device, not a regular file`));
  });

  it('prints JSON through the command', async () => {
    const dir = join(root, 'pred-perfect');
    const program = new Command('eader').exitOverride();
    registerEval(program);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await program.parseAsync(['eval', '--pred', dir, '--dataset', root, '--json'], { from: 'user' });
      const printed = JSON.parse(String(log.mock.calls[0]?.[0])) as { miou: number; perClass: unknown[] };
      expect(printed.miou).toBe(1);
      expect(printed.perClass).toHaveLength(3);
    } finally {
      log.mockRestore();
    }
  });
});
