/**
 * How long one round of the Masks area's loop takes, run the way the app runs it (rounds-service.ts):
 * the segmenter trained in a trainer child process under the round's budget, its predictions for the
 * training and evaluation images computed by the app's pseudo-mask workers (one per core, up to 4:
 * shardedCamRunner), the review queue ranked, the evaluation split scored against GT with PAR. The
 * self-training bench predicts in its own process on one thread; this is the app's path.
 *
 *   npm run build && node --import tsx scripts/bench/round-time.ts --localizer RUN --pseudo DIR
 *     [--trusted DIR] [--dataset D (default: eader demo's set)] [--rounds 3] [--budget 2] [--work bench/tmp/round-time]
 *     [--out bench/round-time.md] [--render (the report again from its .json)]
 * Each round trains a fresh segmenter (the Quick preset, warm-started from RUN) on the same labels.
 */
import { cpus, loadavg } from 'node:os';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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
    render: { type: 'boolean', default: false },
  },
});
if (!values.render && (!values.localizer || !values.pseudo)) throw new Error('--localizer RUN and --pseudo DIR are required');
const ROUNDS = Number(values.rounds);
const BUDGET = Number(values.budget);

/** bench/round-time.json: what the self-training report quotes. */
export interface RoundTimeSummary {
  startedAt: string;
  dataset: string;
  budgetMinutes: number;
  workers: number;
  /** Median of training + predicting + ranking (the issue's round). */
  medianSeconds: number;
  /** The same with the scoring the app's round also does. */
  medianWithScoring: number;
  machine: string;
  loadBefore: number[];
  loadAfter: number[];
  /** Null in a report rendered from a run that did not record it. */
  endedAt: string | null;
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
  const json = resolve(values.out).replace(/\.md$/, '.json');
  let summary: RoundTimeSummary;
  if (values.render) {
    const saved = JSON.parse(await readFile(json, 'utf8')) as Partial<RoundTimeSummary> & Pick<RoundTimeSummary, 'rounds' | 'startedAt' | 'dataset' | 'budgetMinutes' | 'workers'>;
    summary = summarise(saved.rounds, { ...saved, machine: saved.machine ?? `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}`, loadBefore: saved.loadBefore ?? [], loadAfter: saved.loadAfter ?? [], endedAt: saved.endedAt ?? null });
  } else {
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
    summary = summarise(timings, { startedAt, endedAt: new Date().toISOString(), dataset: `${index.root} (${imagesOfSplit(index, 'train').length} train, ${imagesOfSplit(index, 'val').length} val)`, budgetMinutes: BUDGET, workers: camWorkers(), machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}`, loadBefore, loadAfter: loadavg() });
  }
  const lines = report(summary);
  await writeFile(resolve(values.out), `${lines.join('\n')}\n`);
  await writeFile(json, `${JSON.stringify(summary, null, 1)}\n`);
  console.log(lines.join('\n'));
}

const roundSeconds = (t: Timing): number => t.train + t.predict + t.rank;

function summarise(rounds: Timing[], rest: Omit<RoundTimeSummary, 'rounds' | 'medianSeconds' | 'medianWithScoring'>): RoundTimeSummary {
  return { ...rest, medianSeconds: median(rounds.map(roundSeconds)), medianWithScoring: median(rounds.map((t) => roundSeconds(t) + t.score)), rounds };
}

function report(r: RoundTimeSummary): string[] {
  const f = (v: number): string => v.toFixed(0);
  const med = (pick: (t: Timing) => number): number => median(r.rounds.map(pick));
  return [
    '# A round of the loop, the app’s way',
    '',
    `Written by \`node --import tsx scripts/bench/round-time.ts\` (after \`npm run build\`: the trainer and the pseudo-mask workers are child processes). ${r.startedAt}${r.endedAt ? ` → ${r.endedAt}` : ' (start)'}; ${r.machine}${r.loadBefore.length ? `; load average ${r.loadBefore.map((v) => v.toFixed(1)).join(' / ')} at the start, ${r.loadAfter.map((v) => v.toFixed(1)).join(' / ')} at the end` : '; the 1-minute load at each round’s start is in the table'}.`,
    '',
    `Dataset ${r.dataset}. Each round: a fresh segmenter (the Quick preset, ${r.budgetMinutes}-min budget, warm-started from the localizer run) in a trainer child process; predictions of the train and val images (scale 1 with flip, as rounds-service.ts's ROUND_PREDICTION) by ${r.workers} pseudo-mask worker(s) (shardedCamRunner over forkedCamRunner, wasm); the review queue ranked; val scored against GT with PAR. Training includes the trainer's start, the dataset and the labels' copy.`,
    '',
    '| round | load (1 min) | steps | training (s) | predicting (s) | ranking (s) | round (s) | scoring (s) | with scoring (s) | val mIoU |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...r.rounds.map((t) => `| ${t.round} | ${t.load.toFixed(1)} | ${t.steps} | ${f(t.train)} | ${f(t.predict)} | ${t.rank.toFixed(1)} | ${f(roundSeconds(t))} | ${t.score.toFixed(1)} | ${f(roundSeconds(t) + t.score)} | ${t.miou === null ? '—' : (100 * t.miou).toFixed(1)} |`),
    '',
    `Median round (train, predict, rank): **${f(r.medianSeconds)} s**; with the scoring: ${f(r.medianWithScoring)} s (training ${f(med((t) => t.train))} s, predicting ${f(med((t) => t.predict))} s, ranking ${med((t) => t.rank).toFixed(1)} s, scoring ${med((t) => t.score).toFixed(1)} s).`,
    '',
  ];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
