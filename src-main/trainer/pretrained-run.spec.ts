/**
 * Training from pretrained weights through the trainer loop and the real engine: a run from an
 * imported store entry (and a plain file) starts from it — the first step's features are the
 * imported network's — its record holds the source's SHA-256, a resume keeps the trained weights
 * without reading the weights again (they are deleted first), and a bad reference is refused
 * before a run folder exists.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainConfig } from '@shared/domain/train-config';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import { Classifier } from '../engine/classifier';
import { makeRng } from '../engine/rng';
import type { EngineState } from '../engine/types';
import { loadLatestCheckpoint } from '../runs/checkpoints';
import { readRunRecord, runPaths } from '../runs/run-store';
import { FIXTURE_CLASSES, writeShapesVoc } from '../testing/shapes-fixture';
import { useTestBackend } from '../testing/tf-backend';
import { writeTorchSafetensors } from '../testing/weight-files';
import { importWeights } from '../weights/import';
import { sha256File } from '../weights/sha256';
import { WeightsStore } from '../weights/store';
import { createEngine } from './engine-adapter';
import type { EngineFactory } from './engine-port';
import { runTraining } from './loop';
import { RunControl } from './run-control';
import { classifyError } from './session';

const S = 32;
const K = FIXTURE_CLASSES.length - 1;
const bn = { momentum: 0.5, epsilon: 1e-5 };
let root = '';
let data = '';
let file = '';
let store: WeightsStore;
let imported: Classifier;

beforeAll(async () => {
  await useTestBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'eader-pretrained-run-'));
  data = join(root, 'data');
  await writeShapesVoc(data, { train: 8, val: 0, width: 40, height: 32, seed: 5 });
  // An "ImageNet" tiny network: a 1000-way fc and BatchNorm statistics moved away from 0/1.
  imported = new Classifier('tiny', 1000, makeRng(77), bn);
  tf.tidy(() => void imported.backbone.features(tf.randomNormal([4, S, S, 3], 0.5, 2, 'float32', 3) as tf.Tensor4D, true));
  file = join(root, 'tiny-imagenet.safetensors');
  await writeTorchSafetensors(file, imported.store, 'module.');
  store = new WeightsStore(join(root, 'weights'));
  await importWeights(file, store, { name: 'tiny-imagenet' });
});
afterAll(async () => {
  imported.dispose();
  await rm(root, { recursive: true, force: true });
});

const config: TrainConfig = {
  ...SMALL_TRAIN_CONFIG,
  backend: 'wasm',
  imageSize: S,
  batchSize: 4,
  maxSteps: 2,
  locSteps: 1,
  advSteps: 1,
  checkpointEvery: 1,
  sampleEvery: 0,
  pretrained: 'tiny-imagenet', // a store name
  adversaryPretrained: '', // set to the file in the spec (a path)
};

interface Seen {
  created?: EngineState;
  imported?: EngineState;
  restoring?: boolean;
}

/** The real engine, with its state captured when it is built and after a checkpoint is imported. */
function spying(seen: Seen): EngineFactory {
  return async (cfg, k, options) => {
    const engine = await createEngine(cfg, k, options);
    seen.restoring = options?.restoring ?? false;
    seen.created = await engine.exportState(0);
    return {
      ...engine,
      importState: async (state) => {
        await engine.importState(state);
        seen.imported = await engine.exportState(state.step);
      },
    };
  };
}

const io = () => ({ emit: () => undefined, control: new RunControl() });
const probe = () => tf.randomNormal([2, S, S, 3], 0, 1, 'float32', 9) as tf.Tensor4D;

/** Backbone features of `prefix`'s network (localizer / adversary) in `state`, on `x`. */
function featuresOf(state: EngineState, prefix: 'localizer' | 'adversary', x: tf.Tensor4D): number[] {
  const net = new Classifier('tiny', K, makeRng(0), bn);
  try {
    net.store.fromRecords(prefix, state.tensors);
    return tf.tidy(() => Array.from(net.backbone.features(x, false).dataSync()));
  } finally {
    net.dispose();
  }
}

const exists = (path: string) => access(path).then(() => true, () => false);

describe('a training run from pretrained weights', () => {
  it('starts from them, records their SHA-256, and resumes from its checkpoint without them', async () => {
    const cfg = { ...config, adversaryPretrained: file };
    const runDir = join(root, 'run');
    const seen: Seen = {};
    const result = await runTraining({ type: 'start', config: cfg, datasetRoot: data, runDir, resume: false }, io(), spying(seen), store);
    expect(result).toMatchObject({ step: 2, reason: 'max-steps' });
    expect(seen.restoring).toBe(false);

    // The first step's features are the imported network's, for both networks.
    const x = probe();
    const want = tf.tidy(() => Array.from(imported.backbone.features(x, false).dataSync()));
    expect(featuresOf(seen.created!, 'localizer', x)).toEqual(want);
    expect(featuresOf(seen.created!, 'adversary', x)).toEqual(want);
    // The K-class head is new (the file's 1000-way fc is dropped).
    expect(seen.created!.tensors.find((t) => t.name === 'localizer/fc.weight')?.shape).toEqual([128, K]);

    const sha256 = await sha256File(file);
    expect((await readRunRecord(runDir)).weights).toEqual({
      localizer: { ref: 'tiny-imagenet', kind: 'store', resolved: 'tiny-imagenet', sha256, backbone: 'tiny' },
      adversary: { ref: file, kind: 'file', resolved: file, sha256, backbone: 'tiny' },
    });

    // Resume with the weights gone: the checkpoint alone decides the networks.
    const checkpoint = await loadLatestCheckpoint(runPaths(runDir).checkpoints);
    expect(checkpoint?.state.step).toBe(2);
    const trained = featuresOf({ step: 2, tensors: checkpoint!.state.tensors, extra: {} }, 'localizer', x);
    expect(trained).not.toEqual(want);
    await rm(store.root, { recursive: true, force: true });
    await rm(file);
    const again: Seen = {};
    const resumed = await runTraining({ type: 'start', config: { ...cfg, maxSteps: 4 }, datasetRoot: data, runDir, resume: true }, io(), spying(again), store);
    expect(resumed).toMatchObject({ step: 4, reason: 'max-steps' });
    expect(again.restoring).toBe(true);
    expect(featuresOf(again.imported!, 'localizer', x)).toEqual(trained);
    expect((await readRunRecord(runDir)).weights?.localizer?.sha256).toBe(sha256);
    tf.dispose(x);
  });

  it('refuses a reference that names nothing, or weights of another backbone, before a run folder exists', async () => {
    const other = new WeightsStore(join(root, 'weights-2'));
    await writeTorchSafetensors(file, imported.store, 'module.');
    await importWeights(file, other, { name: 'tiny-imagenet' });
    const cases: [Partial<TrainConfig>, RegExp][] = [
      [{ pretrained: 'no-such' }, /^pretrained 'no-such': no such file, and no entry of that name in .*weights-2 \(see eader weights list\)$/],
      [{ backbone: 'resnet18', imageSize: 64 }, /^pretrained 'tiny-imagenet': holds a tiny, but the localizer is a resnet18 \(set backbone to tiny, or choose resnet18 weights\)$/],
      [{ adversaryPretrained: file, adversary: 'resnet18' }, /^adversaryPretrained '.*tiny-imagenet\.safetensors': holds a tiny, but the adversary is a resnet18/],
    ];
    for (const [change, message] of cases) {
      const runDir = join(root, `refused-${Object.keys(change).join('-')}`);
      const error: unknown = await runTraining({ type: 'start', config: { ...config, adversaryPretrained: null, ...change }, datasetRoot: data, runDir, resume: false }, io(), createEngine, other).catch(
        (e: unknown) => e,
      );
      expect(classifyError(error)).toMatchObject({ code: 'BAD_CONFIG', message: expect.stringMatching(message) as unknown });
      expect(await exists(runDir)).toBe(false);
    }
  });
});
