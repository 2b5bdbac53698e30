/**
 * `eader infer`: pseudo-masks of a dataset split from a trained run, through the one inference
 * pipeline the app uses (docs/pseudo-masks.md):
 *   cams (pseudo/cam-compute.ts: the engine's multi-scale + flip cams at the grid size, quantised —
 *   the cam cache's record, read from or written to the run's cache with `camCache`)
 *   → refinement → the pseudo-mask rule → keep-largest → ignore band (src-shared/pseudo/render.ts),
 *   rendered at the image's own size.
 * Same run, checkpoint and settings → the same bytes as the app's accepted masks. Images are taken
 * in id order and everything written is keyed by id: `<out>/<imageId>.png` (8-bit indexed, VOC
 * palette, values = class index, 255 = ignore) and `<out>/infer.json` (the settings).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PseudoCamSettings, PseudoRenderSettings } from '@shared/domain/pseudo-view';
import { DEFAULT_GRID_SIDE } from '@shared/pseudo/cam-grid';
import { WALK_DEFAULTS } from '@shared/affinity/random-walk';
import type { IgnoreBand, RenderSettings } from '@shared/pseudo/render';
import { renderPseudoMask } from '@shared/pseudo/render';
import type { RefinerName } from '@shared/pseudo/refiners';
import { encodeIndexedPng } from '../codecs/indexed-png';
import { readImage } from '../datasets/load';
import { openDataset } from '../datasets/open-dataset';
import { imagesOfSplit } from '../datasets/select';
import { initBackend, releaseWebGpu } from '../engine/backend';
import { writeFileAtomic, writeJsonAtomic } from '../fs/atomic-write';
import { isInside } from '../fs/confine';
import { CamCache, type CachedCams, type CamCacheKey } from '../pseudo/cam-cache';
import { computeImageCams } from '../pseudo/cam-compute';
import { checkpointIdentity } from '../pseudo/run-checkpoint';
import { affinityKey, headOfKey, noHeadMessage } from '../pseudo/affinity-head';
import type { AffinityModel } from '../engine/affinity/affinity-model';
import { loadRunModel, type RunModel } from '../pseudo/run-model';
import { readRunRecord, runPaths } from '../runs/run-store';
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

export async function runInfer(given: InferOptions): Promise<InferSummary> {
  const started = Date.now();
  const options: InferSettings & InferOptions = { ...INFER_DEFAULTS, ...(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as InferOptions) };
  const runDir = resolve(options.run);
  const record = await readRunRecord(runDir);
  const checkpoint = await checkpointIdentity(runDir, options.checkpoint);
  const backend = await initBackend(options.backend ? { force: options.backend } : {});
  const index = await openDataset(options.dataset);
  if (index.classes.join('\n') !== record.dataset.classes.join('\n')) {
    throw new Error(`The dataset's classes (${index.classes.length}) differ from the run's (${record.dataset.classes.length}).`);
  }
  const records = imagesOfSplit(index, options.split);
  const key: CamCacheKey = {
    runId: runPaths(runDir).runId,
    ...checkpoint.key,
    scales: options.scales,
    flip: options.flip,
    labels: options.labels,
    labelThreshold: options.labelThreshold,
    gridSide: options.gridSide,
    inputMaxSide: options.maxSide,
    affinityHead: await affinityKey(runDir, checkpoint.key),
  };
  if (options.refine === 'rw' && !key.affinityHead) throw new Error(noHeadMessage(runDir, checkpoint.key.checkpointStep, options.dataset));
  const settings: RenderSettings = {
    threshold: options.threshold,
    refine: options.refine,
    keepLargest: options.keepLargest,
    ignoreBand: options.ignoreBand,
    ...(options.refine === 'rw' ? { walkOptions: { ...WALK_DEFAULTS, steps: options.walkSteps } } : {}),
  };
  const cache = options.camCache ? new CamCache(runDir, key) : null;
  await cache?.prepare();
  const out = resolve(options.out);
  await refuseInsideDataset(out, index.root, '--out', options.dataset);
  await mkdir(out, { recursive: true });
  let net: RunModel | null = null; // loaded on the first image the cache lacks
  let head: AffinityModel | null = null;
  let cached = 0;
  try {
    let done = 0;
    for (const rec of records) {
      let cams: CachedCams | null = (await cache?.read(rec.id)) ?? null;
      if (cams) cached++;
      else {
        if (!net) {
          net = await loadRunModel(runDir, checkpoint.dir);
          head = await headOfKey(runDir, key, net.model.localizer);
        }
        cams = await computeImageCams(net.model, await readImage(index.root, rec), rec.labels, key, head);
        await cache?.write(rec.id, cams);
      }
      const size = { width: cams.imageWidth, height: cams.imageHeight };
      const file = maskFile(out, rec.id);
      await mkdir(dirname(file), { recursive: true });
      await writeFileAtomic(file, encodeIndexedPng({ ...size, data: renderPseudoMask(cams, settings, size) }));
      done += 1;
      options.onProgress?.(done, records.length, rec.id);
    }
  } finally {
    head?.dispose();
    net?.model.dispose();
    if (backend.name === 'webgpu') releaseWebGpu();
  }
  const summary: InferSummary = { out, images: records.length, cached, checkpointStep: checkpoint.key.checkpointStep, backend: backend.name, seconds: (Date.now() - started) / 1000 };
  await writeJsonAtomic(join(out, 'infer.json'), {
    format: 'eader-infer/2',
    ...summary,
    run: runDir,
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
