/**
 * `eader infer`: pseudo-masks of a dataset split from a trained run, through the one inference
 * pipeline the app uses (docs/pseudo-masks.md):
 *   cams (pseudo/cam-compute.ts: the engine's multi-scale + flip cams at the grid size, quantised —
 *   the cam cache's record, read from or written to the run's cache with `camCache`)
 *   → refinement → the pseudo-mask rule → keep-largest → ignore band (src-shared/pseudo/render.ts),
 *   rendered at the image's own size.
 * Same run, checkpoint and settings → the same bytes as the app's accepted masks. Images are taken
 * in id order and everything written is keyed by id: `<out>/<imageId>.png` (8-bit indexed, VOC
 * palette, values = class index, 255 = ignore) and `<out>/infer.json` (the settings). With a shard
 * (`--shard i/n`), only that block of the ids is inferred and the record is `infer.shard-i-of-n.json`,
 * so n shards together write exactly the masks of one job and no two write the same file.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PseudoCamSettings, PseudoRenderSettings } from '@shared/domain/pseudo-view';
import { DEFAULT_GRID_SIDE } from '@shared/pseudo/cam-grid';
import { WALK_DEFAULTS } from '@shared/affinity/random-walk';
import type { IgnoreBand, RenderSettings } from '@shared/pseudo/render';
import { renderPseudoMask } from '@shared/pseudo/render';
import { REFINERS, type RefinerName } from '@shared/pseudo/refiners';
import { encodeIndexedPng } from '../codecs/indexed-png';
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import { readImage } from '../datasets/load';
import { openDataset } from '../datasets/open-dataset';
import { imagesOfSplit } from '../datasets/select';
import { selectShard, shardTag, type Shard } from '../datasets/shard';
import { initBackend, releaseWebGpu, type StartedBackend } from '../engine/backend';
import { writeFileAtomic, writeJsonAtomic } from '../fs/atomic-write';
import { isInside } from '../fs/confine';
import { CamCache, type CachedCams, type CamCacheKey } from '../pseudo/cam-cache';
import { datasetGuides } from '../pseudo/cam-compute';
import { loadMaskSource, type MaskSource } from '../pseudo/mask-source';
import { checkpointIdentity, type CheckpointIdentity } from '../pseudo/run-checkpoint';
import { readAnyRunRecord, runPaths, type AnyRunRecord } from '../runs/run-store';
import { affinityKey, noHeadMessage } from '../pseudo/affinity-head';
import { refuseInsideDataset } from '../fs/output-guard';

/** What decides the masks; every field defaults to the app's own default (INFER_DEFAULTS). */
export interface InferSettings {
  split: string;
  threshold: number;
  labels: 'gt' | 'predicted';
  /** Probability above which a class counts as present (labels = predicted). */
  labelThreshold: number;
  scales: number[];
  flip: boolean;
  checkpoint: 'best' | 'last';
  /** Compute cams on the image scaled so its longest side is at most this; null = full size. */
  maxSide: number | null;
  /** Longest side of the cam grid masks are rendered from (the app's cache uses DEFAULT_GRID_SIDE). */
  gridSide: number;
  refine: RefinerName;
  keepLargest: boolean;
  /** 255 where the best cam lies in [low, high); null = no ignore band. */
  ignoreBand: IgnoreBand | null;
  /** Read cams from the run's cam cache and write the missing ones there (replacing a cache made with other settings). */
  camCache: boolean;
  /** Steps of the random walk (refine rw; IRN's 256 by default). */
  walkSteps: number;
}

/** The app's defaults (the pseudo-mask panel's cam and render settings), declared once in src-shared. */
export const INFER_DEFAULTS: InferSettings = {
  split: 'val',
  ...PseudoCamSettings.parse({}),
  ...PseudoRenderSettings.parse({}),
  maxSide: null,
  gridSide: DEFAULT_GRID_SIDE,
  camCache: false,
  walkSteps: WALK_DEFAULTS.steps,
};

export interface InferOptions extends Partial<InferSettings> {
  run: string;
  dataset: string;
  out: string;
  backend?: string;
  /** Only this shard of the split's images (datasets/shard.ts); its record is `infer.<shard>.json`. */
  shard?: Shard | null;
  onProgress?: (done: number, total: number, id: string) => void;
}

export interface InferSummary {
  out: string;
  images: number;
  /** Images whose cams came from the run's cam cache. */
  cached: number;
  checkpointStep: number;
  backend: string;
  seconds: number;
}

/** `<out>/<id>.png`, refusing an id that would leave the output folder. */
function maskFile(out: string, id: string): string {
  const file = resolve(out, `${id}.png`);
  if (!isInside(out, file)) throw new Error(`image id "${id}" would write outside ${out}`);
  return file;
}

/** The cam side of a job: the run, its checkpoint, the dataset's images of the split (or shard) and the cache key. */
interface CamSource {
  runDir: string;
  /** A localizer run gives cams, a segmenter run its predictions (pseudo/mask-source.ts). */
  record: AnyRunRecord;
  checkpoint: CheckpointIdentity;
  backend: StartedBackend;
  index: DatasetIndex;
  /** The split's images in id order, only the shard's when sharded. */
  records: ImageRecord[];
  /** How many images the whole split has (every shard together). */
  splitImages: number;
  key: CamCacheKey;
}

type CamSourceOptions = Pick<InferSettings, 'split' | 'labels' | 'labelThreshold' | 'scales' | 'flip' | 'checkpoint' | 'maxSide' | 'gridSide'> & {
  run: string;
  dataset: string;
  backend?: string;
  shard?: Shard | null;
};

async function openCamSource(options: CamSourceOptions): Promise<CamSource> {
  const runDir = resolve(options.run);
  const record = await readAnyRunRecord(runDir); // a localizer run's cams, or a segmenter run's predictions
  const checkpoint = await checkpointIdentity(runDir, options.checkpoint);
  const backend = await initBackend(options.backend ? { force: options.backend } : {});
  const index = await openDataset(options.dataset);
  if (index.classes.join('\n') !== record.dataset.classes.join('\n')) {
    throw new Error(`The dataset's classes (${index.classes.length}) differ from the run's (${record.dataset.classes.length}).`);
  }
  const all = imagesOfSplit(index, options.split);
  const key: CamCacheKey = {
    runId: runPaths(runDir).runId,
    ...checkpoint.key,
    scales: options.scales,
    flip: options.flip,
    labels: options.labels,
    labelThreshold: options.labelThreshold,
    gridSide: options.gridSide,
    inputMaxSide: options.maxSide,
    affinityHead: record.kind === 'localizer' ? await affinityKey(runDir, checkpoint.key) : null,
  };
  return { runDir, record, checkpoint, backend, index, records: selectShard(all, options.shard), splitImages: all.length, key };
}

/**
 * The cams of each record in order: from the cache when it holds them, else computed (the network
 * is loaded on the first miss) and written to the cache when there is one.
 */
async function forEachCams(
  source: CamSource,
  cache: CamCache | null,
  withGuide: boolean,
  visit: (rec: ImageRecord, cams: CachedCams, fromCache: boolean) => Promise<void>,
): Promise<void> {
  let net: MaskSource | null = null; // loaded on the first image the cache lacks
  const guides = withGuide ? datasetGuides(source.index) : null;
  try {
    for (const rec of source.records) {
      const hit = (await cache?.read(rec.id, guides)) ?? null;
      let cams = hit;
      if (!cams) {
        net ??= await loadMaskSource(source.runDir, source.checkpoint.dir, source.key);
        cams = await net.compute(await readImage(source.index.root, rec), rec.labels, source.key);
        await cache?.write(rec.id, cams);
      }
      await visit(rec, cams, hit !== null);
    }
  } finally {
    net?.dispose();
    if (source.backend.name === 'webgpu') releaseWebGpu();
  }
}

/** The shard's fields of a job record (absent for an unsharded job). */
function shardFields(source: CamSource, shard: Shard | null | undefined): Record<string, unknown> {
  if (!shard) return {};
  return { shard: { index: shard.index, count: shard.count, first: source.records[0]?.id ?? null, last: source.records.at(-1)?.id ?? null }, splitImages: source.splitImages };
}

/** The job record's file: `infer.json`, or `infer.shard-03-of-16.json` for a shard (no two jobs write the same file). */
export const inferRecordName = (shard: Shard | null | undefined): string => (shard ? `infer.${shardTag(shard)}.json` : 'infer.json');

export async function runInfer(given: InferOptions): Promise<InferSummary> {
  const started = Date.now();
  const options: InferSettings & InferOptions = { ...INFER_DEFAULTS, ...(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as InferOptions) };
  const source = await openCamSource(options);
  if (options.refine === 'rw' && !source.key.affinityHead) throw new Error(noHeadMessage(source.runDir, source.checkpoint.key.checkpointStep, options.dataset, options.checkpoint));
  const settings: RenderSettings = {
    threshold: options.threshold,
    refine: options.refine,
    keepLargest: options.keepLargest,
    ignoreBand: options.ignoreBand,
    ...(options.refine === 'rw' ? { walkOptions: { ...WALK_DEFAULTS, steps: options.walkSteps } } : {}),
  };
  const cache = options.camCache ? new CamCache(source.runDir, source.key) : null;
  if (cache) await refuseInsideDataset(cache.dir, source.index.root, 'The cam cache', options.dataset);
  await cache?.prepare();
  const out = resolve(options.out);
  await refuseInsideDataset(out, source.index.root, '--out', options.dataset);
  await mkdir(out, { recursive: true });
  let cached = 0;
  let done = 0;
  await forEachCams(source, cache, REFINERS[settings.refine].needsGuide, async (rec, cams, fromCache) => {
    if (fromCache) cached++;
    const size = { width: cams.imageWidth, height: cams.imageHeight };
    const file = maskFile(out, rec.id);
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, encodeIndexedPng({ ...size, data: renderPseudoMask(cams, settings, size) }));
    done += 1;
    options.onProgress?.(done, source.records.length, rec.id);
  });
  const { checkpoint, index } = source;
  const summary: InferSummary = { out, images: source.records.length, cached, checkpointStep: checkpoint.key.checkpointStep, backend: source.backend.name, seconds: (Date.now() - started) / 1000 };
  await writeJsonAtomic(join(out, inferRecordName(options.shard)), {
    format: 'eader-infer/2',
    ...summary,
    ...shardFields(source, options.shard),
    run: source.runDir,
    kind: source.record.kind,
    checkpoint: checkpoint.dir,
    checkpointSha256: checkpoint.key.checkpointSha256,
    dataset: index.root,
    split: options.split,
    cam: { scales: options.scales, flip: options.flip, labels: options.labels, labelThreshold: options.labelThreshold, gridSide: options.gridSide, maxSide: options.maxSide, camCache: options.camCache },
    render: settings,
    classes: index.classes,
  });
  return summary;
}

export type CamsOptions = Partial<Omit<InferSettings, 'threshold' | 'refine' | 'keepLargest' | 'ignoreBand' | 'camCache'>> & {
  run: string;
  dataset: string;
  backend?: string;
  /** Only this shard of the split's images (datasets/shard.ts). */
  shard?: Shard | null;
  onProgress?: (done: number, total: number, id: string) => void;
};

export interface CamsSummary {
  /** The cache folder (runs/<id>/cams/<keyHash>). */
  dir: string;
  images: number;
  /** Images that were cached already (a job run again after a crash computes only the rest). */
  cached: number;
  checkpointStep: number;
  backend: string;
  seconds: number;
}

/**
 * `eader cams`: fill the run's cam cache (the app's Generate, headless) for a split or a shard of it;
 * images already cached are kept. Shards of one key share the cache folder and write only their own
 * images' files; the key file is written when it is missing or says something else.
 */
export async function runCams(given: CamsOptions): Promise<CamsSummary> {
  const started = Date.now();
  const options = { ...INFER_DEFAULTS, ...(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as CamsOptions) };
  const source = await openCamSource(options);
  const cache = new CamCache(source.runDir, source.key);
  await refuseInsideDataset(cache.dir, source.index.root, 'The cam cache', options.dataset);
  await cache.prepare();
  let cached = 0;
  let done = 0;
  await forEachCams(source, cache, false, async (rec, _cams, fromCache) => {
    if (fromCache) cached++;
    done += 1;
    options.onProgress?.(done, source.records.length, rec.id);
  });
  return { dir: cache.dir, images: source.records.length, cached, checkpointStep: source.checkpoint.key.checkpointStep, backend: source.backend.name, seconds: (Date.now() - started) / 1000 };
}
