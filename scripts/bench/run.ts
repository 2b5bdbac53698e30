/**
 * `npm run bench`: every installed tfjs backend (each in its own process) and the same networks in
 * PyTorch (CPU, 2 threads), side by side. Writes bench/results.json and bench/results.md.
 * Flags: --quick (tiny only, 64 px), --backends=cpu,wasm, --repeats=N.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeBackends } from '../../src-main/services/backend-probe';
import { LAYERS } from './layers';
import type { NetKind } from './nets';
import { type BackendResult, type BenchResults, renderMarkdown } from './report';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = args.includes('--quick');
const repeats = Number(flag('repeats') ?? 5);
const batch = 16;
const classes = 20;
const torchThreads = 2;

const allNets: { net: NetKind; size: number }[] = quick
  ? [{ net: 'tiny', size: 64 }]
  : [
      { net: 'tiny', size: 64 },
      { net: 'tiny', size: 128 },
      { net: 'resnet18', size: 64 },
      { net: 'resnet18', size: 128 },
    ];

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, text);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

function runJson(command: string, argv: string[], label: string): unknown {
  process.stderr.write(`${label}…\n`);
  const out = spawnSync(command, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  if (out.status !== 0) throw new Error(`${label} exited with ${out.status ?? out.signal}`);
  const last = out.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as unknown;
}

const probe = await probeBackends({});
// webgpu needs an adapter; a software one (lavapipe, SwiftShader) is benched too, labelled as such.
const installed = probe.available.filter((b) => (b !== 'tensorflow-gpu' || !quick) && (b !== 'webgpu' || probe.adapter !== null));
const softwareGpu = probe.adapter?.software === true;
const wanted = flag('backends')?.split(',') ?? installed;
const loadBefore = loadavg();
const backends: BackendResult[] = [];
for (const backend of installed.filter((b) => wanted.includes(b))) {
  // The cpu backend is plain JS (a tiny@64 training step takes over a minute): first config only.
  const slow = backend === 'cpu';
  // A software WebGPU adapter emulates the GPU on the CPU: the 64 px configs only.
  const emulated = backend === 'webgpu' && softwareGpu;
  const config = {
    backend,
    batch,
    classes,
    repeats,
    budgetMs: slow ? 15_000 : 60_000,
    skipTrainAboveMs: slow ? 500 : undefined,
    nets: slow ? allNets.slice(0, 1) : emulated ? allNets.filter((n) => n.size <= 64) : allNets,
    layers: backend === 'wasm' && !quick,
  };
  backends.push(runJson(process.execPath, ['--import', 'tsx', join(here, 'run-backend.ts'), JSON.stringify(config)], `tfjs ${backend}`) as BackendResult);
}

let torch: BenchResults['torch'];
let torch1: BenchResults['torch1'];
const python = process.env.EADER_BENCH_PYTHON ?? '/usr/bin/python3';
try {
  // One thread too: the wasm backend runs one thread per process, and 2-thread PyTorch collapses
  // when other processes share the cores (OpenMP spin-waits), so this column is the steadier one.
  const cfg = { threads: 1, batch, classes, repeats, nets: allNets, layers: [] };
  torch1 = runJson(python, [join(here, 'torch_bench.py'), JSON.stringify(cfg)], 'PyTorch, 1 thread') as BenchResults['torch1'];
} catch (error) {
  torch1 = { error: String(error) };
}
try {
  const cfg = { threads: torchThreads, batch, classes, repeats, nets: allNets, layers: quick ? [] : LAYERS };
  torch = runJson(python, [join(here, 'torch_bench.py'), JSON.stringify(cfg)], `PyTorch (${python})`) as BenchResults['torch'];
} catch (error) {
  torch = { error: String(error) };
}

const results: BenchResults = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, loadBefore, loadAfter: loadavg(), node: process.versions.node },
  settings: { batch, classes, repeats, torchThreads },
  backends,
  torch,
  torch1,
};
writeAtomic(join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');

// The other benches, each in its own process, each writing its own JSON: dataset indexing and
// thumbnails (issue: browse 10k+ images), the mask editor's tools, the self-training loop.
const otherBenches: { label: string; argv: string[] }[] = [
  { label: 'datasets', argv: [join(here, 'datasets.ts'), '--images', quick ? '2000' : '10000'] },
  { label: 'mask editor', argv: [join(here, 'mask-editor-bench.ts'), '--out', 'bench/mask-editor.json'] },
  { label: 'training on both cores (1 vs 2 wasm replicas, demo set, Quick preset)', argv: [join(here, 'parallel-train.ts'), `--steps=${quick ? 40 : 150}`] },
  // Writes bench/self-training.md itself (about 1.5 h; --quick: the demo set's curves only); prints its targets.
  { label: 'self-training (simulated annotator): bench/self-training.md', argv: [join(here, 'self-training.ts'), ...(quick ? ['--datasets', 'demo', '--no-schemes', '--work', 'bench/tmp/self-training-quick', '--out', 'bench/tmp/self-training-quick.md'] : [])] },
  // Pseudo-mask quality per stage (cam → PAR → random walk), at fixed time budgets: writes bench/quality.md (~40 min; --quick ~8).
  { label: 'pseudo-mask quality (bench/quality.md)', argv: [join(here, 'quality.ts'), ...(quick ? ['--quick'] : [])] },
];
let others = '';
for (const bench of otherBenches) {
  process.stderr.write(`${bench.label}…\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', ...bench.argv], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const body = run.stdout.trim();
  const shown = body.startsWith('{') ? `\`\`\`json\n${body}\n\`\`\`` : body;
  others += `\n## ${bench.label}\n\n${run.status === 0 ? shown : `failed (exit ${run.status ?? run.signal})`}\n`;
}
const markdown = renderMarkdown(results) + others;
writeAtomic(join(root, 'bench/results.md'), markdown);
process.stdout.write(markdown);
