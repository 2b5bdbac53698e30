/**
 * How long one round of the Masks area's loop takes, run the way the app runs it (rounds-service.ts):
 * the segmenter trained in a trainer child process under the round's budget, its predictions for the
 * training and evaluation images computed by the app's pseudo-mask workers (one per core, up to 4:
 * shardedCamRunner), the review queue ranked, the evaluation split scored against GT with PAR. The
 * self-training bench predicts in its own process on one thread; this is the app's path.
 *
 *   npm run build && node --import tsx scripts/bench/round-time.ts --localizer RUN --pseudo DIR
 *     [--trusted DIR] [--dataset D (default: eader demo's set)] [--rounds 3] [--budget 2] [--work bench/tmp/round-time]
 *     [--out bench/round-time.md]
 * Each round trains a fresh segmenter (the Quick preset, warm-started from RUN) on the same labels.
 */
import { cpus, loadavg } from 'node:os';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SEGMENTER_PRESETS, type SegmenterConfig } from '../../src-shared/domain/segmenter-config';
import { DEFAULT_GRID_SIDE } from '../../src-shared/pseudo/cam-grid';
import { runEval } from '../../src-main/cli/eval-run';
import { runInfer } from '../../src-main/cli/infer-run';
import { runSegment } from '../../src-main/cli/segment';
import { ensureDemoDataset } from '../../src-main/datasets/demo/cache';
import { openDataset } from '../../src-main/datasets/open-dataset';
import { imagesOfSplit } from '../../src-main/datasets/select';
import { CamCache, type CamCacheKey } from '../../src-main/pseudo/cam-cache';
import { camWorkers, forkedCamRunner, shardedCamRunner } from '../../src-main/pseudo/cam-runner';
import { queueSignalOf, queueSignals } from '../../src-main/pseudo/queue';
import { checkpointIdentity } from '../../src-main/pseudo/run-checkpoint';
import { eaderHome } from '../../src-main/runs/run-roots';
import { ROUND_PREDICTION } from '../../src-main/services/rounds-service';

const { values } = parseArgs({
  options: {
    localizer: { type: 'string' },
    pseudo: { type: 'string' },
    trusted: { type: 'string' },
    dataset: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    budget: { type: 'string', default: '2' },
    work: { type: 'string', default: 'bench/tmp/round-time' },
    out: { type: 'string', default: 'bench/round-time.md' },
  },
});
if (!values.localizer || !values.pseudo) throw new Error('--localizer RUN and --pseudo DIR are required');
const ROUNDS = Number(values.rounds);
const BUDGET = Number(values.budget);

/** bench/round-time.json: what the self-training report quotes. */
export interface RoundTimeSummary {
  startedAt: string;
  dataset: string;
  budgetMinutes: number;
  workers: number;
  medianSeconds: number;
  rounds: Timing[];
}

interface Timing {
  round: number;
  steps: number;
  train: number;
  predict: number;
  rank: number;
  score: number;
  miou: number | null;
  load: number;
}

const seconds = (since: number): number => (performance.now() - since) / 1000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function round(k: number, dataset: string, work: string): Promise<Timing> {
  const load = loadavg()[0]!;
  const run = join(work, `round-${k}`);
  await rm(run, { recursive: true, force: true });
  const config: SegmenterConfig = { ...SEGMENTER_PRESETS.quick, timeBudget: BUDGET, backend: 'wasm' };
  let t = performance.now();
  const finished = await runSegment({ dataset, pseudo: resolve(values.pseudo!), trusted: values.trusted ? resolve(values.trusted) : null, initFrom: resolve(values.localizer!), out: run, config, resume: false, inProcess: false, progress: null });
  const train = seconds(t);

  // The app's predictions: train + eval images through the pseudo-mask workers into the run's cache.
  t = performance.now();
  const index = await openDataset(dataset);
  const trainImages = imagesOfSplit(index, 'train');
  const images = [...trainImages, ...imagesOfSplit(index, 'val')];
  const checkpoint = await checkpointIdentity(run, ROUND_PREDICTION.checkpoint);
  const key: CamCacheKey = { runId: `round-${k}`, ...checkpoint.key, scales: ROUND_PREDICTION.scales, flip: ROUND_PREDICTION.flip, labels: ROUND_PREDICTION.labels, labelThreshold: ROUND_PREDICTION.labelThreshold, gridSide: DEFAULT_GRID_SIDE, inputMaxSide: null, affinityHead: null };
  const cache = new CamCache(run, key);
  await cache.prepare();
  const job = { runDir: run, checkpointDir: checkpoint.dir, key, datasetRoot: index.root, images: images.map((r) => ({ id: r.id, file: r.file, labels: r.labels })), backend: 'wasm' };
  const result = await shardedCamRunner(forkedCamRunner(), camWorkers())(job, () => undefined, new AbortController().signal);
  if (result.failed.length > 0 || result.done !== images.length) throw new Error(`round ${k}: ${result.failed.length} images failed, ${result.done} of ${images.length} done`);
  const predict = seconds(t);

  // The review queue: the training images ranked by the predictions' own uncertainty.
  t = performance.now();
  const items = [];
  for (const r of trainImages) items.push({ id: r.id, cams: (await cache.read(r.id, null))! });
  const render = { threshold: 0.3, refine: 'none', keepLargest: false, ignoreBand: null } as const;
  const signals = queueSignals(items, render);
  const signal = queueSignalOf(items[0]!.cams);
  items.sort((a, b) => signals.get(b.id)![signal] - signals.get(a.id)![signal]);
  const rank = seconds(t);

  // The round's score: val masks rendered from the cache with PAR, against GT.
  t = performance.now();
  const masks = join(work, `round-${k}-val`);
  await runInfer({ run, dataset, split: 'val', out: masks, scales: ROUND_PREDICTION.scales, flip: ROUND_PREDICTION.flip, labels: 'gt', checkpoint: 'last', refine: 'par', camCache: true });
  const report = await runEval({ pred: masks, dataset, split: 'val' });
  const score = seconds(t);
  return { round: k, steps: finished.step, train, predict, rank, score, miou: report.miou, load };
}

async function main(): Promise<void> {
  const dataset = values.dataset ? resolve(values.dataset) : await ensureDemoDataset(join(eaderHome(), 'cache'));
  const work = resolve(values.work);
  await mkdir(work, { recursive: true });
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const timings: Timing[] = [];
  for (let k = 1; k <= ROUNDS; k++) {
    timings.push(await round(k, dataset, work));
    console.error(`round ${k}: ${JSON.stringify(timings.at(-1))}`);
  }
  const index = await openDataset(dataset);
  const total = (t: Timing): number => t.train + t.predict + t.rank + t.score;
  const f = (v: number): string => v.toFixed(0);
  const lines = [
    '# A round of the loop, the app’s way',
    '',
    `Written by \`node --import tsx scripts/bench/round-time.ts\` (after \`npm run build\`: the trainer and the pseudo-mask workers are child processes). ${startedAt} → ${new Date().toISOString()}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}; load average ${loadBefore.map((v) => v.toFixed(1)).join(' / ')} at the start, ${loadavg().map((v) => v.toFixed(1)).join(' / ')} at the end.`,
    '',
    `Dataset ${index.root} (${imagesOfSplit(index, 'train').length} train, ${imagesOfSplit(index, 'val').length} val). Each round: a fresh segmenter (the Quick preset, ${BUDGET}-min budget, warm-started from the localizer run) in a trainer child process; predictions of the train and val images (scale 1 with flip, as rounds-service.ts's ROUND_PREDICTION) by ${camWorkers()} pseudo-mask worker(s) (shardedCamRunner over forkedCamRunner, wasm); the review queue ranked; val scored against GT with PAR.`,
    '',
    '| round | load (1 min) | steps | training (s) | predicting (s) | ranking (s) | scoring (s) | round (s) | val mIoU |',
    '|---|---|---|---|---|---|---|---|---|',
    ...timings.map((t) => `| ${t.round} | ${t.load.toFixed(1)} | ${t.steps} | ${f(t.train)} | ${f(t.predict)} | ${t.rank.toFixed(1)} | ${t.score.toFixed(1)} | ${f(total(t))} | ${t.miou === null ? '—' : (100 * t.miou).toFixed(1)} |`),
    '',
    `Median round: **${f(median(timings.map(total)))} s** (training ${f(median(timings.map((t) => t.train)))} s, predicting ${f(median(timings.map((t) => t.predict)))} s, ranking ${median(timings.map((t) => t.rank)).toFixed(1)} s, scoring ${median(timings.map((t) => t.score)).toFixed(1)} s).`,
    '',
  ];
  await writeFile(resolve(values.out), `${lines.join('\n')}\n`);
  const summary: RoundTimeSummary = { startedAt, dataset: index.root, budgetMinutes: BUDGET, workers: camWorkers(), medianSeconds: median(timings.map(total)), rounds: timings };
  await writeFile(resolve(values.out).replace(/\.md$/, '.json'), `${JSON.stringify(summary, null, 1)}\n`);
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
