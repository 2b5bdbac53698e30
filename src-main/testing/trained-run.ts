/**
 * For specs: a tiny VOC dataset (testing/shapes-fixture.ts) and a run folder holding checkpoints of an
 * untrained tiny model (its cams are arbitrary but real: the whole pipeline runs on them).
 */
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEGMENTER_PRESETS } from '@shared/domain/segmenter-config';
import { SMALL_TRAIN_CONFIG } from './small-config';
import { EaderModel } from '../engine';
import { useTestBackend } from './tf-backend';
import { engineConfig } from '../engine/settings';
import { FIXTURE_CLASSES, writeShapesVoc } from './shapes-fixture';
import { writeCheckpoint } from '../runs/checkpoints';
import { createRun, runPaths } from '../runs/run-store';

export const TEST_CONFIG = { ...SMALL_TRAIN_CONFIG, imageSize: 48, seed: 3 };

export async function makeTestDataset(val = 4, train = 0): Promise<{ root: string; ids: { train: string[]; val: string[] } }> {
  const root = await mkdtemp(join(tmpdir(), 'eader-pseudo-ds-'));
  return { root, ids: await writeShapesVoc(root, { train, val, width: 40, height: 32 }) };
}

/** Writes a checkpoint at `step` of a fresh model seeded by `seed` (different seeds, different weights). */
export async function writeTestCheckpoint(runDir: string, step: number, seed: number): Promise<void> {
  await useTestBackend('wasm');
  const model = await EaderModel.create(engineConfig({ ...TEST_CONFIG, seed }, FIXTURE_CLASSES.length - 1));
  try {
    const state = await model.getState();
    await writeCheckpoint(runPaths(runDir).checkpoints, { step, epoch: 0, score: null, tensors: state.tensors, extra: state.extra });
  } finally {
    model.dispose();
  }
}

/** A run folder `<runsRoot>/<runId>` with one checkpoint (step 10). */
export async function makeTestRun(runsRoot: string, runId: string, datasetRoot: string): Promise<string> {
  const runDir = join(runsRoot, runId);
  await createRun(runDir, {
    config: TEST_CONFIG,
    backend: 'wasm',
    dataset: { root: datasetRoot, format: 'voc', classes: FIXTURE_CLASSES, trainImages: 0 },
    versions: {},
  });
  await writeTestCheckpoint(runDir, 10, 3);
  return runDir;
}

/**
 * A segmenter run `<runsRoot>/<runId>` really trained (in process, a few dozen steps) on the GT
 * masks of `trainIds` as its pseudo-masks, so that its predictions find the shapes.
 */
export async function makeTestSegmenterRun(runsRoot: string, runId: string, datasetRoot: string, trainIds: readonly string[], options: { steps?: number; round?: number | null } = {}): Promise<string> {
  await useTestBackend('wasm');
  const pseudo = join(runsRoot, `${runId}-pseudo`);
  await mkdir(pseudo, { recursive: true });
  for (const id of trainIds) await copyFile(join(datasetRoot, 'VOCdevkit/VOC2012/SegmentationClass', `${id}.png`), join(pseudo, `${id}.png`));
  const runDir = join(runsRoot, runId);
  const { runSegment } = await import('../cli/segment');
  const config = { ...SEGMENTER_PRESETS.quick, backend: 'wasm' as const, imageSize: 32, batchSize: 4, asppChannels: 16, timeBudget: null, maxSteps: options.steps ?? 30, checkpointEvery: 1000, cacheMaxSide: 64, lr: 0.005 };
  await runSegment({ dataset: datasetRoot, pseudo, out: runDir, config, resume: false, inProcess: true, progress: null, round: options.round ?? null });
  return runDir;
}
