/**
 * Training speed with one thread against two wasm replicas (data-parallel), on the demo set with
 * the Quick preset (tiny/tiny, 80 px, batch 8). Runs the real trainer loop in this process.
 * Prints median wall ms per step, img/s, and process CPU ms per step (both threads), as JSON.
 *   npx tsx scripts/bench/parallel-train.ts [--steps=200] [--workers=1,2] [--batch=8] [--dataset=resources/demo]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type TrainConfig } from '@shared/domain/train-config';
import { QUICK_PRESET } from '@shared/domain/train-presets';
import { createEngine } from '../../src-main/trainer/engine-adapter';
import { runTraining } from '../../src-main/trainer/loop';
import { RunControl } from '../../src-main/trainer/run-control';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const steps = Number(flag('steps') ?? 200);
const workerCounts = (flag('workers') ?? '1,2').split(',').map(Number) as (1 | 2)[];
const dataset = resolve(flag('dataset') ?? 'resources/demo');
const batchSize = Number(flag('batch') ?? QUICK_PRESET.batchSize);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function measure(workers: 1 | 2): Promise<Record<string, number | string>> {
  const runDir = await mkdtemp(join(tmpdir(), 'eader-bench-parallel-'));
  const config: TrainConfig = { ...QUICK_PRESET, backend: 'wasm', workers, batchSize, epochs: 10_000, maxSteps: steps, sampleEvery: 0, checkpointEvery: 1_000_000 };
  const wall: number[] = [];
  const cpu: number[] = [];
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  let mode = 'one thread';
  try {
    await runTraining(
      { type: 'start', config, datasetRoot: dataset, runDir, resume: false },
      {
        control: new RunControl(),
        emit: (m) => {
          if (m.type === 'log' && m.message.startsWith('Training on')) mode = m.message;
          if (m.type !== 'progress') return;
          const now = performance.now();
          const c = process.cpuUsage(lastCpu);
          wall.push(now - lastWall);
          cpu.push((c.user + c.system) / 1000);
          lastWall = now;
          lastCpu = process.cpuUsage();
        },
      },
      createEngine,
    );
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
  const skip = Math.min(10, Math.floor(wall.length / 4)); // warm-up (decoding into the image cache, first steps)
  const w = median(wall.slice(skip));
  return { workers, mode, steps: wall.length - skip, wallMsPerStep: +w.toFixed(1), imagesPerSecond: +((config.batchSize * 1000) / w).toFixed(2), cpuMsPerStep: +median(cpu.slice(skip)).toFixed(1) };
}

const results = [];
for (const workers of workerCounts) results.push(await measure(workers));
console.log(JSON.stringify({ dataset, preset: `quick (tiny/tiny, 80 px), batch ${batchSize}`, results }, null, 2));
process.exit(0);
