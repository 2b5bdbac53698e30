/**
 * A segmenter run from pretrained backbone weights (`pretrained`: a file or a store name): the
 * engine starts from them — every backbone tensor is the file's, the head is its own — and says so
 * in the log; a restored engine does not read them; a reference that names nothing is refused
 * before a run folder exists.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEGMENTER_PRESETS, type SegmenterConfig } from '@shared/domain/segmenter-config';
import { Classifier } from '../engine/classifier';
import { makeRng } from '../engine/rng';
import { writeShapesVoc } from '../testing/shapes-fixture';
import { useTestBackend } from '../testing/tf-backend';
import { writeTorchSafetensors } from '../testing/weight-files';
import { weightsOpener } from '../weights/resolve';
import { WeightsStore } from '../weights/store';
import { RunControl } from './run-control';
import { createSegmenterEngine } from './segmenter-engine';
import { runSegmenterTraining } from './segmenter-loop';

let root = '';
let file = '';
let imported: Classifier;
const config: SegmenterConfig = { ...SEGMENTER_PRESETS.quick, imageSize: 32, batchSize: 2, asppChannels: 8, timeBudget: null, maxSteps: 1, cacheMaxSide: 64 };

beforeAll(async () => {
  await useTestBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'eader-seg-pretrained-'));
  // An "ImageNet" tiny network: a 1000-way fc (not a segmenter's) and moved BatchNorm statistics.
  imported = new Classifier('tiny', 1000, makeRng(21), { momentum: 0.5, epsilon: 1e-5 });
  tf.tidy(() => void imported.backbone.features(tf.randomNormal([2, 32, 32, 3], 0.5, 2, 'float32', 4) as tf.Tensor4D, true));
  file = join(root, 'tiny-imagenet.safetensors');
  await writeTorchSafetensors(file, imported.store, 'module.');
});
afterAll(async () => {
  imported.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('a segmenter from pretrained weights', () => {
  it('starts its backbone from the file, keeps its own head, logs it; a restored engine does not read the weights', async () => {
    const logs: string[] = [];
    const store = new WeightsStore(join(root, 'weights'));
    const engine = await createSegmenterEngine({ ...config, pretrained: file }, 2, (_, message) => logs.push(message), { openWeights: weightsOpener(store) });
    const state = await engine.exportState(0);
    engine.dispose();
    const value = (name: string) => Array.from(state.tensors.find((t) => t.name === `segmenter/${name}`)!.data);
    for (const name of ['block1.conv.weight', 'block4.conv.weight', 'block3.bn.running_mean']) expect(value(name)).toEqual(Array.from(await imported.store.get(name).data()));
    expect(state.tensors.some((t) => t.name === 'segmenter/decoder.classifier.weight')).toBe(true);
    expect(state.tensors.some((t) => t.name.includes('fc.'))).toBe(false);
    expect(logs.some((l) => /starts from pretrained weights .*tiny-imagenet\.safetensors: \d+ tensors/.test(l))).toBe(true);
    // restoring: the weights are never opened (a missing file would throw otherwise)
    const restored = await createSegmenterEngine({ ...config, pretrained: join(root, 'gone.safetensors') }, 2, undefined, { openWeights: weightsOpener(store), restoring: true });
    restored.dispose();
  });

  it('refuses a reference that names nothing before the run folder exists', async () => {
    const dataset = join(root, 'shapes');
    const ids = await writeShapesVoc(dataset, { train: 4, val: 0, width: 40, height: 32 });
    const pseudoDir = join(root, 'pseudo');
    await mkdir(pseudoDir, { recursive: true });
    for (const id of ids.train) await copyFile(join(dataset, 'VOCdevkit', 'VOC2012', 'SegmentationClass', `${id}.png`), join(pseudoDir, `${id}.png`));
    const runDir = join(root, 'runs', 'seg');
    const run = runSegmenterTraining(
      { type: 'start-segmenter', config: { ...config, pretrained: 'no-such-weights' }, datasetRoot: dataset, runDir, resume: false, labels: { pseudoDir, trustedDir: null, localizerRunId: null, heldOut: [], round: null } },
      { emit: () => undefined, control: new RunControl() },
      createSegmenterEngine,
    );
    await expect(run).rejects.toThrow(/pretrained: weights 'no-such-weights': no such file, and no entry of that name/);
    expect(existsSync(runDir)).toBe(false);
    expect(existsSync(join(root, 'runs')) ? await readdir(join(root, 'runs')) : []).toEqual([]);
  });
});
