/**
 * The EADER training step on webgpu beside wasm, and where webgpu's time goes, kernel by kernel
 * (tf.profile with timestamp queries): the slow kernels to fix first. webgpu runs twice: with our
 * filter gradient (conv-filter-grad.ts) and with tfjs's own. Each run is its own process. Writes
 * bench/webgpu.md and bench/webgpu.json.
 *   node --import tsx scripts/bench/webgpu-profile.ts [--steps=6] [--configs=quick,resnet18]
 * On a machine without a GPU this runs on a software adapter (lavapipe, SwiftShader): the numbers
 * prove the path and rank the kernels on that adapter; they say nothing about a GPU's speed.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend, releaseWebGpu } from '../../src-main/engine/backend/index';
import { setWebGpuConvFilterGrad } from '../../src-main/engine/backend/webgpu/conv-filter-grad';
import { makeTrainBatch } from '../../src-main/engine/augment';
import type { EaderConfig } from '../../src-main/engine/settings';
import { testEngineConfig } from '../../src-main/testing/engine-config';
import { EaderModel } from '../../src-main/engine/eader-model';
import { makeRng } from '../../src-main/engine/rng';
import { syntheticSquares } from '../../src-main/testing/images';
import { median } from './timing';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

/** The Quick preset's networks and size, and a ResNet-18 localizer with its shared adversary. */
const CONFIGS: Record<string, { label: string; batch: number; engine: Partial<EaderConfig> & { numClasses: number } }> = {
  quick: { label: 'Quick preset: tiny localizer + tiny adversary, 80 px', batch: 8, engine: { numClasses: 20, backbone: 'tiny', adversary: 'tiny', imageSize: 80, locSteps: 1, advSteps: 1 } },
  resnet18: { label: 'ResNet-18 localizer, shared adversary, 64 px', batch: 4, engine: { numClasses: 20, backbone: 'resnet18', adversary: 'shared', imageSize: 64 } },
};

interface StepTiming {
  config: string;
  backend: string;
  /** The webgpu filter-gradient path ('-' elsewhere). */
  dw: string;
  device: string;
  batch: number;
  /** Median ms of a step after the warm-up steps (compiles shaders on webgpu). */
  stepMs: number;
  imgPerS: number;
  firstStepMs: number;
  /** webgpu only: kernel name → [calls, ms] in one profiled step, slowest first. */
  kernels: [string, number, number][];
}

async function measure(configName: string, backend: string, dw: 'im2col' | 'tfjs', steps: number): Promise<StepTiming> {
  const spec = CONFIGS[configName];
  if (!spec) throw new Error(`unknown config ${configName}`);
  const started = await initBackend({ force: backend });
  setWebGpuConvFilterGrad({ strategy: dw });
  const model = await EaderModel.create(testEngineConfig({ ...spec.engine, optimizer: 'sgd', lr: 0.01, momentum: 0.9 }));
  const data = syntheticSquares(spec.batch, 3, spec.engine.imageSize);
  const rng = makeRng(1);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const batch = makeTrainBatch(data.images, data.labels, model.config, rng);
    const t0 = performance.now();
    await model.step(batch);
    times.push(performance.now() - t0);
    tf.dispose([batch.images, batch.labels]);
  }
  let kernels: [string, number, number][] = [];
  if (backend === 'webgpu') {
    const batch = makeTrainBatch(data.images, data.labels, model.config, rng);
    const profile = await tf.profile(async () => {
      await model.step(batch);
    });
    tf.dispose([batch.images, batch.labels]);
    const byName = new Map<string, [number, number]>();
    for (const k of profile.kernels) {
      const e = byName.get(k.name) ?? [0, 0];
      byName.set(k.name, [e[0] + 1, e[1] + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0)]);
    }
    kernels = [...byName].map(([name, [calls, ms]]): [string, number, number] => [name, calls, ms]).sort((a, b) => b[2] - a[2]);
  }
  model.dispose();
  if (backend === 'webgpu') releaseWebGpu();
  const stepMs = median(times.slice(Math.min(2, times.length - 1)));
  return { config: configName, backend: started.name, dw: backend === 'webgpu' ? (dw === 'im2col' ? 'ours (im2col + matmul)' : "tfjs's") : '–', device: started.device, batch: spec.batch, stepMs, imgPerS: (spec.batch * 1000) / stepMs, firstStepMs: times[0] ?? 0, kernels };
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, text);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

function render(results: StepTiming[], loadBefore: number[]): string {
  const lines = [
    '# webgpu bench: the EADER training step, and where the time goes',
    '',
    `${new Date().toISOString()} · ${cpus()[0]?.model.trim() ?? 'CPU'} · ${cpus().length} cores · load ${loadBefore.map((l) => l.toFixed(1)).join('/')} → ${loadavg().map((l) => l.toFixed(1)).join('/')}`,
    'No GPU on this machine: webgpu runs on a **software adapter** (the CPU emulates the GPU). These numbers prove the path and rank the kernels on that adapter; they say nothing about the speed on a GPU.',
    'Written by `node --import tsx scripts/bench/webgpu-profile.ts`. Median of the steps after two warm-up steps (the first compiles the shaders).',
    '',
    '| config | backend | conv filter gradient | device | batch | step (ms) | img/s | first step (ms) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) lines.push(`| ${CONFIGS[r.config]?.label ?? r.config} | ${r.backend} | ${r.dw} | ${r.device} | ${r.batch} | ${r.stepMs.toFixed(0)} | ${r.imgPerS.toFixed(1)} | ${r.firstStepMs.toFixed(0)} |`);
  for (const r of results.filter((x) => x.kernels.length > 0)) {
    const total = r.kernels.reduce((s, k) => s + k[2], 0);
    lines.push('', `## webgpu kernels in one step: ${CONFIGS[r.config]?.label ?? r.config}, ${r.dw} filter gradient`, '', '| kernel | calls | ms | share |', '|---|---|---|---|');
    for (const [name, calls, ms] of r.kernels.slice(0, 12)) lines.push(`| ${name} | ${calls} | ${ms.toFixed(1)} | ${((100 * ms) / Math.max(total, 1e-9)).toFixed(0)} % |`);
  }
  return lines.join('\n') + '\n';
}

const child = flag('child');
if (child) {
  const [configName, backend, dw, steps] = child.split(':');
  const result = await measure(configName ?? 'quick', backend ?? 'webgpu', dw === 'tfjs' ? 'tfjs' : 'im2col', Number(steps ?? 6));
  process.stdout.write(JSON.stringify(result) + '\n');
} else {
  const steps = Number(flag('steps') ?? 6);
  const configs = (flag('configs') ?? 'quick,resnet18').split(',');
  const loadBefore = loadavg();
  const results: StepTiming[] = [];
  for (const config of configs) {
    for (const [backend, dw] of [['webgpu', 'im2col'], ['webgpu', 'tfjs'], ['wasm', 'im2col']]) {
      process.stderr.write(`${config} on ${backend}${backend === 'webgpu' ? ` (${dw} filter gradient)` : ''}…\n`);
      const out = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), `--child=${config}:${backend}:${dw}:${steps}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json' } });
      if (out.status !== 0) throw new Error(`${config} on ${backend} exited with ${out.status ?? out.signal}`);
      results.push(JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}') as StepTiming);
    }
  }
  writeAtomic(join(root, 'bench/webgpu.json'), JSON.stringify(results, null, 2) + '\n');
  const md = render(results, loadBefore);
  writeAtomic(join(root, 'bench/webgpu.md'), md);
  process.stdout.write(md);
}
