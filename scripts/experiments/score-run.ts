/**
 * Score a finished training run (e.g. `eader demo`'s) with cams and with PAR, from its last
 * checkpoint: val BCE vs the label prior, cam and PAR mIoU over the threshold sweep.
 *   TSX_TSCONFIG_PATH=tsconfig.node.json npx tsx scripts/experiments/score-run.ts --run DIR --dataset D \
 *     [--scales 1,0.75,1.25] [--flip] [--tag T] [--out bench/quality-research-data/runs.jsonl]
 */
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readVocDataset } from '../../src-main/datasets/voc';
import { initBackend } from '../../src-main/engine/backend';
import { EaderModel } from '../../src-main/engine';
import { readCheckpoint, selectCheckpoint } from '../../src-main/runs/checkpoints';
import { readRunRecord, runPaths } from '../../src-main/runs/run-store';
import { engineConfig } from '../../src-main/trainer/engine-adapter';
import { labelPrior, scoreCams, splitOf } from './score-cams';

const { values: a } = parseArgs({
  options: { run: { type: 'string' }, dataset: { type: 'string' }, scales: { type: 'string', default: '1,0.75,1.25' }, flip: { type: 'boolean', default: false }, tag: { type: 'string', default: '' }, out: { type: 'string' } },
});
if (!a.run || !a.dataset) throw new Error('--run and --dataset are required');
await initBackend({ force: 'wasm' });
const index = await readVocDataset(resolve(a.dataset));
const K = index.classes.length - 1;
const record = await readRunRecord(resolve(a.run));
const checkpoint = await selectCheckpoint(runPaths(resolve(a.run)).checkpoints, 'last');
if (!checkpoint) throw new Error(`${a.run}: no checkpoint`);
const model = await EaderModel.create(engineConfig(record.config, K));
const state = await readCheckpoint(checkpoint.dir);
model.setState({ step: state.step, tensors: state.tensors, extra: state.extra ?? {} });
const scores = await scoreCams(model, index, splitOf(index, 'val'), record.config.imageSize, a.scales!.split(',').map(Number), a.flip ?? false);
const row = { tag: a.tag, run: resolve(a.run), step: state.step, prior: +labelPrior(splitOf(index, 'train'), K).toFixed(4), scales: a.scales, flip: a.flip, load: +loadavg()[0]!.toFixed(1), ...scores };
console.log(JSON.stringify(row));
if (a.out) appendFileSync(resolve(a.out), `${JSON.stringify(row)}\n`);
model.dispose();
process.exit(0);
