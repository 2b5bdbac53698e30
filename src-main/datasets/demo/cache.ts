/**
 * The learnable demo set (`eader demo`): a few thousand small shape images, generated
 * deterministically at first use into `<EADER_HOME>/cache/demo-<key>/` (VOC layout, ~15 s on one
 * core) instead of being committed. The key names the generator version, the seed, the counts
 * and the spec, so a changed generator never reuses a stale cache. The folder is built under a
 * temporary name and renamed into place: a reader sees all of it or none; a concurrent generator
 * that loses the rename race removes its own copy.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_SEED, generateDemoDataset } from './generate';
import type { DemoSpec } from './render';

/** Bump when the renderer changes what a spec draws. */
export const DEMO_GENERATOR_VERSION = 2;

/** 64–80 px, shapes of radius ≥ 8 px, up to 3 clutter strokes: learnable from scratch in minutes. */
export const LEARNABLE_SPEC: DemoSpec = { minSide: 64, maxSide: 80, minRadius: 8, maxRadiusOne: 0.36, maxRadiusMany: 0.27, minVisible: 25, clutter: 3 };

export interface DemoCacheOptions {
  seed?: number;
  train?: number;
  val?: number;
  spec?: DemoSpec;
}

export const LEARNABLE_DEMO = { seed: DEMO_SEED, train: 3000, val: 200, spec: LEARNABLE_SPEC } as const;

export function demoCacheKey(options: DemoCacheOptions = {}): string {
  const { seed, train, val, spec } = { ...LEARNABLE_DEMO, ...options };
  const hash = createHash('sha256').update(JSON.stringify({ v: DEMO_GENERATOR_VERSION, seed, train, val, spec })).digest('hex').slice(0, 10);
  return `demo-shapes-v${DEMO_GENERATOR_VERSION}-${train}x${val}-${hash}`;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * The demo dataset's root under `cacheRoot` (e.g. `$EADER_HOME/cache`), generated first if it is
 * not there. `onGenerate` is told before a generation starts (it takes seconds).
 */
export async function ensureDemoDataset(cacheRoot: string, options: DemoCacheOptions = {}, onGenerate?: (dir: string) => void): Promise<string> {
  const { seed, train, val, spec } = { ...LEARNABLE_DEMO, ...options };
  const dir = join(cacheRoot, demoCacheKey(options));
  if (await exists(join(dir, 'VOCdevkit', 'VOC2012', 'classes.txt'))) return dir;
  onGenerate?.(dir);
  await mkdir(cacheRoot, { recursive: true });
  const staging = join(cacheRoot, `.${demoCacheKey(options)}.tmp-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    await generateDemoDataset({ outDir: staging, seed, train, val, spec });
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    // Another process finished first: use its copy.
    if (await exists(join(dir, 'VOCdevkit', 'VOC2012', 'classes.txt'))) return dir;
    throw new Error(`Cannot generate the demo dataset in ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return dir;
}
