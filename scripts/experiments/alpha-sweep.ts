/**
 * The paper's ablation on the demo set: localizer only (no adversary) against EADER at
 * α ∈ {0, 0.05, 0.2}. For each: train (Quick preset, same seed and epochs), infer the val
 * pseudo-masks, score them, and measure the mean masked area — the mean over (val image, GT class)
 * pairs of the soft mask sigmoid(ω(cam − σ)) at the training size — which the paper says grows
 * with α. Writes bench/alpha-sweep.json and .md.
 * Run: node --import tsx scripts/experiments/alpha-sweep.ts [--epochs 8] [--out /tmp/alpha]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type TrainConfig } from '../../src-shared/domain/train-config';
import { QUICK_PRESET } from '../../src-shared/domain/train-presets';
import { runEval } from '../../src-main/cli/eval-run';
import { runInfer } from '../../src-main/cli/infer-run';
import { runTrain } from '../../src-main/cli/train-run';
import { initBackend } from '../../src-main/engine/backend';
import { EaderModel, imageToTensor } from '../../src-main/engine';
import { readCheckpoint, selectCheckpoint } from '../../src-main/runs/checkpoints';
import { readRunRecord, runPaths } from '../../src-main/runs/run-store';
import { engineConfig } from '../../src-main/engine/settings';
import { loadImage } from '../../src-main/datasets/load';
import { openDataset } from '../../src-main/datasets/open-dataset';
import { imagesOfSplit } from '../../src-main/datasets/select';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const epochs = Number(arg('epochs', '8'));
const out = resolve(arg('out', '/tmp/eader-alpha-sweep'));
const dataset = resolve('resources/demo');

const VARIANTS: { name: string; patch: Partial<TrainConfig> }[] = [
  { name: 'localizer only', patch: { adversary: 'none', alpha: 0 } },
  { name: 'EADER α=0', patch: { adversary: 'tiny', alpha: 0 } },
  { name: 'EADER α=0.05', patch: { adversary: 'tiny', alpha: 0.05 } },
  { name: 'EADER α=0.2', patch: { adversary: 'tiny', alpha: 0.2 } },
];

async function meanMaskedArea(runDir: string, config: TrainConfig): Promise<number> {
  await initBackend({ force: 'wasm' });
  const record = await readRunRecord(runDir);
  const checkpoint = await selectCheckpoint(runPaths(runDir).checkpoints, 'last');
  const index = await openDataset(dataset);
  const model = await EaderModel.create(engineConfig(record.config, index.classes.length - 1));
  try {
    const state = await readCheckpoint(checkpoint!.dir);
    model.setState({ step: state.step, tensors: state.tensors, extra: state.extra ?? {} });
    let sum = 0;
    let pairs = 0;
    for (const rec of imagesOfSplit(index, 'val')) {
      const image = await loadImage(index, rec.id);
      const x = imageToTensor(image, { width: config.imageSize, height: config.imageSize });
      const classes = rec.labels.map((c) => c - 1);
      const cams = await model.cams(x, [classes]);
      x.dispose();
      for (const cam of cams[0] ?? []) {
        let area = 0;
        for (const v of cam.cam) area += 1 / (1 + Math.exp(-config.omega * (v - config.sigma)));
        sum += area / cam.cam.length;
        pairs++;
      }
    }
    return sum / pairs;
  } finally {
    model.dispose();
    tf.disposeVariables();
  }
}

const rows: { name: string; miou: number; background: number; maskedArea: number; trainSeconds: number }[] = [];
for (const variant of VARIANTS) {
  const config: TrainConfig = { ...QUICK_PRESET, epochs, backend: 'wasm', seed: 0, ...variant.patch };
  const runDir = join(out, variant.name.replace(/[^\w.]+/g, '-'));
  const t0 = Date.now();
  await runTrain({ dataset, out: runDir, config, resume: false, inProcess: false, handleSignals: false });
  const trainSeconds = (Date.now() - t0) / 1000;
  const masks = join(runDir, 'masks-val');
  await runInfer({ run: runDir, dataset, split: 'val', out: masks, threshold: 0.3, labels: 'gt', labelThreshold: 0.5, scales: [1, 0.75, 1.25], flip: true, checkpoint: 'last', maxSide: null, backend: 'wasm' });
  const report = await runEval({ pred: masks, dataset, split: 'val' });
  const maskedArea = await meanMaskedArea(runDir, config);
  const row = { name: variant.name, miou: report.miou ?? NaN, background: report.perClass[0]?.iou ?? NaN, maskedArea, trainSeconds };
  rows.push(row);
  console.log(JSON.stringify(row));
}

mkdirSync('bench', { recursive: true });
writeFileSync('bench/alpha-sweep.json', `${JSON.stringify({ epochs, preset: 'quick', dataset: 'resources/demo (val, 60 images)', rows }, null, 2)}\n`);
const table = [
  `Demo val set, Quick preset (tiny backbone, 80 px), ${epochs} epochs, seed 0, wasm. Masks: threshold 0.3, GT labels, scales 1/0.75/1.25 + flip.`,
  '',
  '| variant | mIoU | background IoU | mean masked area | train s |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${(100 * r.miou).toFixed(1)}% | ${(100 * r.background).toFixed(1)}% | ${(100 * r.maskedArea).toFixed(1)}% | ${r.trainSeconds.toFixed(0)} |`),
].join('\n');
writeFileSync('bench/alpha-sweep.md', `${table}\n`);
console.log(table);
