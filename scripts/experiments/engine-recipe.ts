/**
 * Confirm a recipe with OUR engine (tfjs wasm, one thread): train the localizer (and optionally
 * the adversary) from scratch under a CPU-seconds budget with a planned lr schedule, then score
 * the val set: BCE against the label prior, cam mIoU over a threshold sweep, and PAR-refined mIoU
 * (src-shared/pseudo/par.ts), with CPU and wall times. Appends one JSON line to --out.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.node.json npx tsx scripts/experiments/engine-recipe.ts --dataset /tmp/heldout \
 *     --backbone tiny --size 64 --batch 16 --lr 3e-3 --schedule one-cycle --budget 300 --out bench/quality-research-data/engine.jsonl
 *
 * The budget is process CPU seconds (both threads count), so runs compare fairly on a loaded
 * machine; steps are planned from the CPU cost of the first 10 steps and re-planned once at 20 %.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { DatasetIndex, ImageRecord, RgbImage } from '@shared/domain/dataset';
import { loadImage } from '../../src-main/datasets/load';
import { readVocDataset } from '../../src-main/datasets/voc';
import { initBackend } from '../../src-main/engine/backend';
import { EaderModel, disposeBatch, makeRng, makeTrainBatch, type AdversaryKind, type BackboneKind } from '../../src-main/engine';
import { ONE_CYCLE, CONSTANT_LR, scheduledLr } from '../../src-main/engine/lr-schedule';
import { epochOrder } from '../../src-main/trainer/loop';
import { labelPrior, scoreCams, splitOf } from './score-cams';

const { values: a } = parseArgs({
  options: {
    dataset: { type: 'string' },
    backbone: { type: 'string', default: 'tiny' },
    adversary: { type: 'string', default: 'none' },
    alpha: { type: 'string', default: '0' },
    size: { type: 'string', default: '64' },
    batch: { type: 'string', default: '16' },
    lr: { type: 'string', default: '3e-3' },
    beta1: { type: 'string', default: '0.9' },
    wd: { type: 'string', default: '1e-4' },
    schedule: { type: 'string', default: 'one-cycle' },
    'crop-min': { type: 'string', default: '0.5' },
    budget: { type: 'string', default: '300' },
    scales: { type: 'string', default: '1' },
    flip: { type: 'boolean', default: false },
    'val-limit': { type: 'string' },
    seed: { type: 'string', default: '0' },
    tag: { type: 'string', default: '' },
    out: { type: 'string' },
  },
});
if (!a.dataset) throw new Error('--dataset is required');
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const backend = await initBackend({ force: 'wasm' });
const index: DatasetIndex = await readVocDataset(resolve(a.dataset));
const K = index.classes.length - 1;
const train = splitOf(index, 'train');
const val = splitOf(index, 'val').slice(0, a['val-limit'] ? Number(a['val-limit']) : undefined);
const decoded = new Map<string, RgbImage>();
const image = async (r: ImageRecord): Promise<RgbImage> => decoded.get(r.id) ?? decoded.set(r.id, await loadImage(index, r.id)).get(r.id)!;
for (const r of train) await image(r);

const S = Number(a.size);
const B = Number(a.batch);
const seed = Number(a.seed);
const model = await EaderModel.create({
  numClasses: K,
  backbone: a.backbone as BackboneKind,
  adversary: a.adversary as AdversaryKind,
  alpha: Number(a.alpha),
  imageSize: S,
  batchSize: B,
  cropMinScale: Number(a['crop-min']),
  optimizer: { kind: 'adam', lr: Number(a.lr), beta1: Number(a.beta1), weightDecay: Number(a.wd) },
  locSteps: 20,
  advSteps: 20,
  seed,
});
const schedule = a.schedule === 'constant' ? CONSTANT_LR : ONE_CYCLE;
const budget = Number(a.budget);
let planned = 1e9;
model.setLearningRate((t) => scheduledLr(Number(a.lr), schedule, t, planned));

const stepsPerEpoch = Math.floor(train.length / B);
const cpu0 = cpuSeconds();
const wall0 = Date.now();
let step = 0;
const recent: number[] = [];
let order: ImageRecord[] = [];
for (;;) {
  const used = cpuSeconds() - cpu0;
  if (step === 10 || step === Math.round(planned * 0.2)) planned = Math.max(step + 1, Math.round((budget / used) * step));
  if (step >= planned || used >= budget * 1.05) break;
  if (step % stepsPerEpoch === 0) order = epochOrder(train, seed, Math.floor(step / stepsPerEpoch));
  const first = (step % stepsPerEpoch) * B;
  const records = order.slice(first, first + B);
  const images = await Promise.all(records.map(image));
  const batch = makeTrainBatch(images, records.map((r) => r.labels), model.config, makeRng((seed * 7919 + step) >>> 0));
  const result = model.step(batch);
  disposeBatch(batch);
  if (result.phase === 'localizer') recent.push(result.losses.bce);
  if (recent.length > 50) recent.shift();
  step++;
}
const cpuTrain = cpuSeconds() - cpu0;
const wallTrain = (Date.now() - wall0) / 1000;

const scores = await scoreCams(model, index, val, S, a.scales!.split(',').map(Number), a.flip ?? false);
const row = {
  tag: a.tag,
  engine: `${backend.name}`,
  dataset: index.root,
  backbone: a.backbone,
  adversary: a.adversary,
  alpha: Number(a.alpha),
  size: S,
  batch: B,
  lr: Number(a.lr),
  schedule: schedule.kind,
  cropMin: Number(a['crop-min']),
  budget,
  seed,
  steps: step,
  epochs: +((step * B) / train.length).toFixed(2),
  trainBce: +(recent.reduce((s, v) => s + v, 0) / Math.max(1, recent.length)).toFixed(4),
  prior: +labelPrior(train, K).toFixed(4),
  cpuTrain: +cpuTrain.toFixed(1),
  wallTrain: +wallTrain.toFixed(1),
  cpuMsPerStep: +((1000 * cpuTrain) / step).toFixed(1),
  scales: a.scales!.split(',').map(Number),
  flip: a.flip,
  load: +loadavg()[0]!.toFixed(1),
  ...scores,
};
console.log(JSON.stringify(row));
if (a.out) {
  mkdirSync(dirname(resolve(a.out)), { recursive: true });
  appendFileSync(resolve(a.out), `${JSON.stringify(row)}\n`);
}
model.dispose();
tf.disposeVariables();
process.exit(0);
