/**
 * The loop under a time budget (the budget's planning itself is time-budget.ts's): it plans the lr
 * schedule over the steps that fit, stops cleanly with a checkpoint, keeps the budget on resume,
 * and reports the val BCE against the label prior at the end. The engine is a stand-in whose steps
 * take ~10 ms, so the budget, not the epochs, decides.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainConfig } from '@shared/domain/train-config';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import type { TrainerMessage } from '@shared/trainer-protocol';
import { listCheckpoints, readCheckpoint } from '../runs/checkpoints';
import { readValidations } from '../runs/run-validation';
import { writeShapesVoc } from '../testing/shapes-fixture';
import type { EngineFactory, TrainerEngine } from './engine-port';
import { runTraining } from './loop';
import { RunControl } from './run-control';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-budget-'));
  await writeShapesVoc(join(root, 'data'), { train: 8, val: 4, width: 24, height: 24 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stand-in engine: a step counter as its state, ~10 ms per step, every lr it was given, and 0.5 for every probability. */
function slowEngine(lrs: number[]): EngineFactory {
  return () => {
    let step = 0;
    const engine: TrainerEngine = {
      trainStep: async (_images, _labels, at, lr) => {
        await sleep(10);
        lrs.push(lr);
        step = at + 1;
        return { step: at, phase: 'localizer', losses: { bce: 0.5, reg: 0, adv: 0, advBce: 0, total: 0.5 }, pairs: 2 };
      },
      predict: (images) => Promise.resolve(new Float32Array(images.length * 2).fill(0.5)),
      exportState: () => Promise.resolve({ step, tensors: [{ name: 'localizer/w', shape: [1], dtype: 'float32', data: Float32Array.of(step) }], extra: {} }),
      importState: (state) => {
        step = state.step;
        return Promise.resolve();
      },
      erasureRounds: () => Promise.resolve([]),
      numTensors: () => 0,
      dispose: () => undefined,
    };
    return Promise.resolve(engine);
  };
}

describe('a time-budgeted run', () => {
  const config: TrainConfig = { ...SMALL_TRAIN_CONFIG, backend: 'cpu', imageSize: 16, batchSize: 2, epochs: 2000, checkpointEvery: 10_000, sampleEvery: 0, lr: 0.01, lrSchedule: 'one-cycle', timeBudget: 0.02 };

  it('plans the one-cycle lr over the steps that fit, stops with a checkpoint, keeps the budget on resume, and validates', async () => {
    const runDir = join(root, 'run');
    const lrs: number[] = [];
    const messages: TrainerMessage[] = [];
    const io = { emit: (m: TrainerMessage) => messages.push(m), control: new RunControl() };
    const result = await runTraining({ type: 'start', config, datasetRoot: join(root, 'data'), runDir, resume: false }, io, slowEngine(lrs));
    expect(result.reason).toBe('time-budget');
    // 1.2 s at ≥ 10 ms a step: far fewer steps than the 8000 the epochs would take.
    expect(result.step).toBeGreaterThan(15);
    expect(result.step).toBeLessThan(121);
    expect(lrs).toHaveLength(result.step);
    expect(messages.some((m) => m.type === 'log' && /^Time budget 0\.0 min at .* steps planned/.test(m.message))).toBe(true);
    // One-cycle: starts at 4 % of lr, peaks near lr, ends far below it.
    expect(lrs[0]).toBeCloseTo(0.0004, 6);
    expect(Math.max(...lrs)).toBeGreaterThan(0.008);
    expect(lrs.at(-1)!).toBeLessThan(0.005);
    // The last checkpoint is the last step, and records the seconds trained.
    const checkpoints = await listCheckpoints(join(runDir, 'checkpoints'));
    expect(checkpoints.at(-1)?.step).toBe(result.step);
    const saved = await readCheckpoint(checkpoints.at(-1)!.dir);
    const trained = saved.extra?.trainedSeconds as number;
    expect(trained).toBeGreaterThan(1.0);
    expect(trained).toBeLessThan(4);
    // Validation: every probability 0.5 costs ln 2; the prior is the training frequencies'.
    expect(result.validation).toMatchObject({ step: result.step, split: 'val', images: 4 });
    expect(result.validation!.bce).toBeCloseTo(Math.LN2, 6);
    expect(result.validation!.prior).toBeGreaterThan(0);
    expect(await readValidations(runDir)).toEqual([result.validation]);

    // Resumed with the same budget: what was left of it (the 3 % kept for the checkpoint) is a few steps at most.
    const again = await runTraining({ type: 'start', config, datasetRoot: join(root, 'data'), runDir, resume: true }, io, slowEngine(lrs));
    expect(again.reason).toBe('time-budget');
    expect(again.step - result.step).toBeLessThan(6);

    // Resumed with a budget twice as long: about as many steps again, the time before counted.
    const longer = await runTraining({ type: 'start', config: { ...config, timeBudget: 0.04 }, datasetRoot: join(root, 'data'), runDir, resume: true }, io, slowEngine(lrs));
    expect(longer.reason).toBe('time-budget');
    expect(longer.step).toBeGreaterThan(again.step + 8);
    const last = await listCheckpoints(join(runDir, 'checkpoints'));
    const total = (await readCheckpoint(last.at(-1)!.dir)).extra?.trainedSeconds as number;
    expect(total).toBeGreaterThan(2.2);
    expect(total).toBeLessThan(2.4 + 1);
  });

  it('without a budget trains its epochs at a constant lr, as before', async () => {
    const lrs: number[] = [];
    const result = await runTraining(
      { type: 'start', config: { ...config, timeBudget: null, lrSchedule: 'constant', epochs: 2 }, datasetRoot: join(root, 'data'), runDir: join(root, 'plain'), resume: false },
      { emit: () => undefined, control: new RunControl() },
      slowEngine(lrs),
    );
    expect(result).toMatchObject({ reason: 'completed', step: 8 });
    expect(lrs).toEqual(new Array(8).fill(0.01));
  });
});
