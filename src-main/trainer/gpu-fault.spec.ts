import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainConfig } from '@shared/domain/train-config';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import { GpuFault } from '../engine/backend/webgpu/faults';
import { listCheckpoints } from '../runs/checkpoints';
import { readRunRecord } from '../runs/run-store';
import { writeShapesVoc } from '../testing/shapes-fixture';
import type { EngineFactory, TrainerEngine } from './engine-port';
import { gpuFaultOutcome, smallerBatch, webGpuAdapterLine } from './gpu-fault';
import { runTraining, TrainerFailure } from './loop';
import { RunControl } from './run-control';
import { classifyError } from './session';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-gpu-fault-'));
  await writeShapesVoc(join(root, 'data'), { train: 8, val: 0, width: 24, height: 24 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** An engine that trains (a counter as its state) until `failAt`, then reports the GPU fault. */
function faultyEngine(failAt: number, fault: GpuFault): EngineFactory {
  return () => {
    let step = 0;
    const engine: TrainerEngine = {
      trainStep: (_images, _labels, at) => {
        if (at >= failAt) return Promise.reject(fault);
        step = at + 1;
        return Promise.resolve({ step: at, phase: 'localizer', losses: { bce: 0.5, reg: 0, adv: 0, advBce: 0, total: 0.5 }, pairs: 2 });
      },
      exportState: () => (step >= failAt ? Promise.reject(fault) : Promise.resolve({ step, tensors: [{ name: 'localizer/w', shape: [1], dtype: 'float32', data: Float32Array.of(step) }], extra: {} })),
      importState: () => Promise.resolve(),
      erasureRounds: () => Promise.resolve([]),
      predict: (images) => Promise.resolve(new Float32Array(images.length * 2).fill(0.5)),
      numTensors: () => 0,
      dispose: () => undefined,
    };
    return Promise.resolve(engine);
  };
}

describe('a GPU fault ends the run with a clear outcome', () => {
  it('says what happened, where, the checkpoint to resume from and a smaller batch', () => {
    const ctx = { step: 37, totalSteps: 500, checkpointStep: 30, batchSize: 16, imageSize: 448 };
    const oom = gpuFaultOutcome(new GpuFault('out-of-memory', 'The GPU ran out of memory (Failed to allocate buffer)'), ctx);
    expect(oom).toEqual({
      code: 'OOM',
      message:
        'The GPU ran out of memory (Failed to allocate buffer) at step 37 of 500 (batch 16, 448 px). The last checkpoint is step 30: resume the run to continue from it. Try --batch-size 8 (or a smaller --image-size).',
    });
    const lost = gpuFaultOutcome(new GpuFault('device-lost', 'The GPU device was lost (driver reset)'), { ...ctx, checkpointStep: null, batchSize: 1 });
    expect(lost.code).toBe('DEVICE_LOST');
    expect(lost.message).toMatch(/No checkpoint was written yet: the run starts over\..*try a smaller --image-size/);
    expect(gpuFaultOutcome(new GpuFault('validation', 'The GPU rejected a kernel (x)'), ctx).code).toBe('INTERNAL');
    expect([16, 3, 1].map(smallerBatch)).toEqual([8, 1, 1]);
    expect(webGpuAdapterLine({ vendor: 'amd', architecture: 'rdna-3', device: '', description: 'AMD Radeon RX 7900 XTX', software: false, maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31 })).toBe(
      'WebGPU adapter: AMD Radeon RX 7900 XTX (rdna-3); vendor amd, architecture rdna-3; largest buffer 4096 MiB, largest tensor 2048 MiB.',
    );
  });

  it('a lost device at step 5 keeps the checkpoint of step 4 and writes none after it', async () => {
    const runDir = join(root, 'run');
    const config: TrainConfig = { ...SMALL_TRAIN_CONFIG, backend: 'cpu', imageSize: 16, batchSize: 2, epochs: 10, checkpointEvery: 2, sampleEvery: 0 };
    const fault = new GpuFault('device-lost', 'The GPU device was lost (a driver reset)');
    const run = runTraining({ type: 'start', config, datasetRoot: join(root, 'data'), runDir, resume: false }, { emit: () => undefined, control: new RunControl() }, faultyEngine(5, fault));
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerFailure);
    expect(classifyError(error)).toEqual({
      code: 'DEVICE_LOST',
      message:
        'The GPU device was lost (a driver reset) at step 5 of 40 (batch 2, 16 px). The last checkpoint is step 4: resume the run to continue from it. A lost device often follows running out of GPU memory or a driver reset: if it happens again, try --batch-size 1.',
    });
    expect((await listCheckpoints(join(runDir, 'checkpoints'))).map((c) => c.step)).toEqual([2, 4]);
    expect(await readRunRecord(runDir)).toMatchObject({ backend: 'cpu', adapter: null, device: expect.stringMatching(/plain JavaScript/) as unknown });
  });
});
