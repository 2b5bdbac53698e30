/**
 * One tfjs backend's share of the bench, in its own process (tfjs-node may load once per process):
 *   node --import tsx scripts/bench/run-backend.ts '<json config>'  → one JSON line on stdout.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend, releaseWebGpu } from '../../src-main/engine/backend/index';
import { timeLayers } from './layers';
import type { NetKind } from './nets';
import { timeNetwork } from './networks';

interface Config {
  backend: string;
  batch: number;
  classes: number;
  repeats: number;
  budgetMs: number;
  skipTrainAboveMs?: number;
  nets: { net: NetKind; size: number }[];
  layers: boolean;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
// Keep wasm's own Conv2DBackpropInput for the "before" column, before ours replaces it.
const originalDx = tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc ?? null;
const choice = await initBackend({ force: config.backend });
const layers = config.layers && choice.tfBackend === 'wasm' ? timeLayers(originalDx, config.batch, config.repeats) : [];
const nets = [];
for (const { net, size } of config.nets) {
  const result = await timeNetwork(net, size, config);
  process.stderr.write(`  ${choice.name} ${net}@${size}: train ${result.trainImgPerS?.toFixed(1) ?? '-'} img/s, infer ${result.inferImgPerS?.toFixed(1)} img/s\n`);
  nets.push(result);
}
const leakedTensors = tf.memory().numTensors;
if (choice.name === 'webgpu') releaseWebGpu();
process.stdout.write(JSON.stringify({ backend: choice, leakedTensors, layers, nets }) + '\n');
