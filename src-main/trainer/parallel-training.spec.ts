/** The trainer with two wasm replicas (TrainConfig.workers = 2) against one thread (workers = 1). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainConfig } from '@shared/domain/train-config';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import type { TrainerMessage } from '@shared/trainer-protocol';
import { initBackend } from '../engine/backend';
import { readMetrics } from '../runs/run-store';
import { createEngine } from './engine-adapter';
import { runTraining } from './loop';
import { RunControl } from './run-control';
import { writeShapesVoc } from '../testing/shapes-fixture';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-parallel-'));
  await initBackend({ force: 'wasm' });
  await writeShapesVoc(join(root, 'shapes'), { train: 16, val: 2, seed: 5 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const config: TrainConfig = { ...SMALL_TRAIN_CONFIG, backend: 'wasm', imageSize: 32, batchSize: 4, epochs: 1, locSteps: 2, advSteps: 1, sampleEvery: 0, checkpointEvery: 100 };

async function train(workers: 1 | 2, name: string): Promise<{ messages: TrainerMessage[]; bce: number[] }> {
  const messages: TrainerMessage[] = [];
  const runDir = join(root, name);
  const result = await runTraining(
    { type: 'start', config: { ...config, workers }, datasetRoot: join(root, 'shapes'), runDir, resume: false },
    { emit: (m) => messages.push(m), control: new RunControl() },
    createEngine,
  );
  expect(result).toMatchObject({ step: 4, reason: 'completed' });
  return { messages, bce: (await readMetrics(runDir)).map((r) => r.bce as number) };
}

describe('data-parallel training in the trainer', () => {
  it('says which mode runs, keeps the tensor count flat, and reports the full batch\'s losses', async () => {
    const two = await train(2, 'two');
    const one = await train(1, 'one');
    const logs = (m: TrainerMessage[]) => m.filter((x) => x.type === 'log').map((x) => (x.type === 'log' ? x.message : ''));
    expect(logs(two.messages).join('\n')).toMatch(/Training on two wasm replicas, data-parallel \(config workers\)/);
    expect(logs(one.messages).join('\n')).not.toMatch(/Training on/);
    const tensors = two.messages.flatMap((m) => (m.type === 'progress' ? [m.numTensors] : []));
    expect(tensors).toHaveLength(4);
    expect(new Set(tensors.slice(1)).size).toBe(1);
    // Same weights and batches at step 0: the two-replica loss (a sum of scaled halves) equals one thread's
    // up to batch-norm statistics over half-batches.
    expect(two.bce[0]).toBeCloseTo(one.bce[0]!, 1);
  });
});
