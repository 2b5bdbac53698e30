/**
 * Sharded jobs (docs/cluster.md): three shards of `eader infer`, `eader cams` and `eader eval` write
 * together exactly what one job writes, byte for byte, no two shards write the same file, and the
 * merged partial confusion matrices give exactly the metrics of one eval; partials of different
 * evaluations, a missing shard or a repeated one are refused with a message saying which.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { runPaths } from '../runs/run-layout';
import { makeTestDataset, makeTestRun } from '../testing/trained-run';
import { mergeEvalPartials, writeEvalPartial } from './eval-partial';
import { evalCounts, reportOf, runEval } from './eval-run';
import { registerEval } from './eval';
import { runCams, runInfer } from './infer-run';

const GRID = 16;
const settings = { split: 'val', scales: [1], flip: true, gridSide: GRID, threshold: 0.3 };
const SHARDS = 3;
const shards = Array.from({ length: SHARDS }, (_, i) => ({ index: i + 1, count: SHARDS }));

let root: string;
let valIds: string[];
let runDir: string;
let work: string;

/** name → bytes of every file under dir (recursively, names relative to dir). */
async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(path.slice(dir.length + 1), await readFile(path));
  }
  return out;
}

const masksOf = (files: Map<string, Buffer>): string[] => [...files.keys()].filter((n) => n.endsWith('.png')).sort();

beforeAll(async () => {
  ({ root, ids: { val: valIds } } = await makeTestDataset(7)); // 7 images: shards of 2, 2 and 3
  work = await mkdtemp(join(tmpdir(), 'eader-shards-'));
  runDir = await makeTestRun(join(work, 'runs'), 'run-s', root);
});

describe('eader infer --shard', () => {
  it('three shards write exactly the masks of one job, byte for byte, and no file twice', async () => {
    const whole = join(work, 'infer-whole');
    await runInfer({ run: runDir, dataset: root, out: whole, ...settings });
    const one = await filesOf(whole);
    expect(masksOf(one)).toEqual(valIds.map((id) => `${id}.png`));

    const parts: Map<string, Buffer>[] = [];
    for (const shard of shards) {
      const out = join(work, `infer-shard-${shard.index}`);
      const summary = await runInfer({ run: runDir, dataset: root, out, ...settings, shard });
      expect(summary.images).toBe([2, 2, 3][shard.index - 1]);
      parts.push(await filesOf(out));
    }
    const written = parts.flatMap((p) => [...p.keys()]);
    expect(new Set(written).size).toBe(written.length); // no two shards write the same file
    const together = masksOf(new Map(parts.flatMap((p) => [...p])));
    expect(together).toEqual(masksOf(one));
    for (const name of together) {
      const bytes = parts.find((p) => p.has(name))!.get(name)!;
      expect(bytes.equals(one.get(name)!), name).toBe(true);
    }
    // Each shard's record names its block; one job's is infer.json.
    expect([...parts[1]!.keys()].filter((n) => n.endsWith('.json'))).toEqual(['infer.shard-2-of-3.json']);
    const record = JSON.parse(parts[1]!.get('infer.shard-2-of-3.json')!.toString()) as { shard: unknown; splitImages: number; images: number };
    expect(record).toMatchObject({ shard: { index: 2, count: 3, first: valIds[2], last: valIds[3] }, splitImages: 7, images: 2 });
    // Not a vacuous match: the masks hold foreground.
    const values = new Set(together.flatMap((n) => [...decodeIndexedPng(one.get(n)!).mask.data]));
    expect([...values].some((v) => v !== 0 && v !== 255)).toBe(true);
  });
});

describe('eader cams --shard', () => {
  it('three shards fill the cam cache with exactly the files of one job', async () => {
    const cams = runPaths(runDir).cams;
    const whole = await runCams({ run: runDir, dataset: root, ...settings });
    expect(whole).toMatchObject({ images: 7, cached: 0 });
    const one = await filesOf(cams);
    expect([...one.keys()].filter((n) => n.endsWith('.bin'))).toHaveLength(7);
    await rm(cams, { recursive: true });
    for (const shard of shards) await runCams({ run: runDir, dataset: root, ...settings, shard });
    const together = await filesOf(cams);
    expect([...together.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [name, bytes] of one) expect(together.get(name)!.equals(bytes), name).toBe(true);
    // Run again (a job restarted after a crash): everything is read back, nothing recomputed.
    expect(await runCams({ run: runDir, dataset: root, ...settings, shard: shards[2] })).toMatchObject({ images: 3, cached: 3 });
  });
});

describe('eader eval --shard / --merge', () => {
  let pred: string;
  let partials: string[];

  beforeAll(async () => {
    pred = join(work, 'pred');
    await runInfer({ run: runDir, dataset: root, out: pred, ...settings });
    partials = [];
    for (const shard of shards) {
      const file = join(work, `eval-${shard.index}.json`);
      await writeEvalPartial(file, await evalCounts({ pred, dataset: root, split: 'val', shard }));
      partials.push(file);
    }
  });

  it('three partial matrices merged give exactly the report of one eval', async () => {
    const one = await runEval({ pred, dataset: root, split: 'val' });
    expect(one.images).toBe(7);
    const merged = reportOf(await mergeEvalPartials([...partials].reverse())); // any order
    expect(merged).toEqual(one);
    expect(merged.miou).toBeGreaterThan(0);
  });

  it('prints the merged report through the command, as one eval prints it', async () => {
    const program = new Command('eader').exitOverride();
    registerEval(program);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await program.parseAsync(['eval', '--merge', ...partials, '--json'], { from: 'user' });
      await program.parseAsync(['eval', '--pred', pred, '--dataset', root, '--json'], { from: 'user' });
      expect(JSON.parse(String(log.mock.calls[0]?.[0]))).toEqual(JSON.parse(String(log.mock.calls[1]?.[0])));
    } finally {
      log.mockRestore();
    }
  });

  it('refuses a missing shard, a repeated one, and partials of other predictions or classes', async () => {
    await expect(mergeEvalPartials(partials.slice(0, 2))).rejects.toThrow(/shard 3\/3 of 3 is missing: the merge needs every shard's partial/);
    await expect(mergeEvalPartials([...partials, partials[0]!])).rejects.toThrow(/eval-1\.json and eval-1\.json are both shard 1\/3; pass each shard once/);

    const other = join(work, 'pred-other');
    await runInfer({ run: runDir, dataset: root, out: other, ...settings, threshold: 0.6 });
    const foreign = join(work, 'eval-other-3.json');
    await writeEvalPartial(foreign, await evalCounts({ pred: other, dataset: root, split: 'val', shard: shards[2] }));
    await expect(mergeEvalPartials([partials[0]!, partials[1]!, foreign])).rejects.toThrow(
      /eval-other-3\.json and eval-1\.json are partials of different evaluations \(the predictions \(run checkpoint or settings\): .*"threshold":0\.6.* vs .*"threshold":0\.3/,
    );

    const renamed = join(work, 'eval-classes-3.json');
    const doc = JSON.parse(await readFile(partials[2]!, 'utf8')) as { classes: string[] };
    await writeFile(renamed, JSON.stringify({ ...doc, classes: ['background', 'square', 'circle'] }));
    await expect(mergeEvalPartials([partials[0]!, partials[1]!, renamed])).rejects.toThrow(/different evaluations \(the class list: 3 classes: background, square, circle vs 3 classes: background, square, disc\)/);

    const notPartial = join(work, 'not-partial.json');
    await cp(join(pred, 'infer.json'), notPartial);
    await expect(mergeEvalPartials([notPartial])).rejects.toThrow(/not-partial\.json is not an eval partial written by `eader eval --shard … --partial` \(format:/);
  });
});
