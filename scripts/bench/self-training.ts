/**
 * The self-training bench, with a SIMULATED annotator (it "corrects" an image by copying its GT
 * mask; no person is involved): on a dataset with GT, the loop of the Masks area's rounds —
 *   round 0  the localizer's pseudo-masks (the baseline);
 *   k = 0    a segmenter on the pseudo-masks alone;
 *   rounds   corrections grow to 5 %, 10 %, 20 % of the training split, each round correcting the
 *            next worst images of the previous round's review queue (worst-first), or random ones;
 *            each round trains a fresh segmenter within the same time budget;
 * then, at 10 % corrections, the ways of using them (weighting, oversampling, staged schemes).
 * Every number is val mIoU against GT. Writes bench/self-training.md (and .json).
 *
 *   npx tsx scripts/bench/self-training.ts [--datasets demo,heldout] [--budget 2] [--work bench/tmp/self-training]
 *     [--heldout-train 3000] [--heldout-val 200] [--no-schemes] [--scratch] [--steps N] [--fractions 0.05,0.1,0.2]
 *     [--heldout-fractions F (default: --fractions)]
 * The demo set is `eader demo`'s (generated once into $EADER_HOME/cache); the localizer is the Quick
 * preset under its own time budget, its pseudo-masks `eader demo`'s recipe (scales 1, 0.75, 1.25
 * with flip, PAR, threshold 0.3) with the ignore band on the training split.
 * --steps trains every round for exactly N steps instead of a time budget (load-independent lengths).
 * --scratch adds a k = 0 round without the warm start.
 * Resumable: finished steps are kept in <work>/state.json and skipped.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SEGMENTER_PRESETS, type SegmenterConfig } from '../../src-shared/domain/segmenter-config';
import { QUICK_PRESET } from '../../src-shared/domain/train-presets';
import { ensureDemoDataset, LEARNABLE_DEMO } from '../../src-main/datasets/demo/cache';
import { eaderHome } from '../../src-main/runs/run-roots';
import { runEval } from '../../src-main/cli/eval-run';
import { runInfer } from '../../src-main/cli/infer-run';
import { runSegment } from '../../src-main/cli/segment';
import { runTrain } from '../../src-main/cli/train-run';
import { maskClassCounts } from '../../src-main/runs/segmenter-labels';
import { resolveScheme } from '../../src-main/trainer/segmenter-sampler';
import { openDataset } from '../../src-main/datasets/open-dataset';
import { imagesOfSplit } from '../../src-main/datasets/select';
import { initBackend } from '../../src-main/engine/backend';
import { readMetrics } from '../../src-main/runs/run-store';
import { generateHeldout } from '../heldout/generate';
import { FMNIST_DIR } from '../heldout/fmnist';
import { correctByGt, pickCorrections } from './self-training/annotator';
import { rankedQueue, type RankedQueue } from './self-training/queue';
import { writeReport, type BenchResult, type DatasetResult, type RoundResult } from './self-training/report';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'demo,heldout' },
    budget: { type: 'string', default: '2' },
    work: { type: 'string', default: 'bench/tmp/self-training' },
    'heldout-train': { type: 'string', default: '3000' },
    'heldout-val': { type: 'string', default: '200' },
    'no-schemes': { type: 'boolean', default: false },
    scratch: { type: 'boolean', default: false },
    steps: { type: 'string' },
    fractions: { type: 'string', default: '0.05,0.1,0.2' },
    'heldout-fractions': { type: 'string' },
    out: { type: 'string', default: 'bench/self-training.md' },
  },
});
const WORK = resolve(values.work);
const BUDGET = Number(values.budget);
const BAND = { low: 0.05, high: 0.3 };
const FRACTIONS = values.fractions.split(',').map(Number);
const HELDOUT_FRACTIONS = (values['heldout-fractions'] ?? values.fractions).split(',').map(Number);
/** Fixed steps per round (no time budget), or null: the budget decides. */
const STEPS = values.steps ? Number(values.steps) : null;
if (STEPS !== null && !(Number.isInteger(STEPS) && STEPS > 0)) throw new Error(`--steps must be a positive integer, got ${values.steps}`);
if ([...FRACTIONS, ...HELDOUT_FRACTIONS].some((f) => !(f > 0 && f < 1))) throw new Error(`--fractions and --heldout-fractions must be shares in (0, 1), got ${values.fractions} / ${values['heldout-fractions']}`);
/** `eader demo`'s pseudo-mask recipe (the app's defaults with PAR). */
const PSEUDO = { threshold: 0.3, labels: 'gt' as const, scales: [1, 0.75, 1.25], flip: true, refine: 'par' as const, checkpoint: 'last' as const };
/** A segmenter's predictions: scale 1 with flip, refined by PAR for the scored (val) masks; the training split's only fill the cache the queue ranks. */
const PREDICT = { scales: [1], flip: true, labels: 'gt' as const, checkpoint: 'last' as const };

type State = Record<string, unknown>;
const stateFile = join(WORK, 'state.json');
let state: State = {};
/** The 1-minute load average at the start of each step (this run's steps only). */
const loadSamples: number[] = [];
async function step<T>(key: string, run: () => Promise<T>): Promise<T> {
  if (key in state) return state[key] as T;
  const started = Date.now();
  loadSamples.push(loadavg()[0]!);
  console.error(`[${new Date().toISOString()}] ${key} … (load ${loadavg()[0]!.toFixed(1)})`);
  const value = await run();
  state[key] = value;
  await writeFile(stateFile, JSON.stringify(state, null, 1));
  console.error(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return value;
}

interface Plan {
  name: string;
  label: string;
  root: string;
  year: string;
  segmenter: Partial<SegmenterConfig>;
  /** Shares of the training split corrected in the curves' rounds. */
  fractions: number[];
}

async function plans(): Promise<Plan[]> {
  const out: Plan[] = [];
  for (const name of values.datasets.split(',')) {
    if (name === 'demo') {
      const root = await ensureDemoDataset(join(eaderHome(), 'cache'));
      out.push({ name, label: `demo set (\`eader demo\`'s: ${LEARNABLE_DEMO.train} train, ${LEARNABLE_DEMO.val} val, shapes on textures, 64–80 px)`, root, year: join(root, 'VOCdevkit/VOC2012'), segmenter: {}, fractions: FRACTIONS });
    } else if (name === 'heldout') {
      const root = join(WORK, 'heldout-data');
      const train = Number(values['heldout-train']);
      const val = Number(values['heldout-val']);
      if (!existsSync(join(root, 'VOCdevkit/VOC2012/JPEGImages'))) await generateHeldout({ outDir: root, fmnistDir: FMNIST_DIR, seed: 14, train, val, size: 64 });
      out.push({ name, label: `held-out set (scripts/heldout, seed 14: ${train} train, ${val} val, Fashion-MNIST items on textures, 64 px)`, root, year: join(root, 'VOCdevkit/VOC2012'), segmenter: {}, fractions: HELDOUT_FRACTIONS });
    } else throw new Error(`unknown dataset ${name} (demo, heldout)`);
  }
  return out;
}

async function miouOf(dir: string, dataset: string): Promise<{ miou: number; perClass: Record<string, number | null> }> {
  const report = await runEval({ pred: dir, dataset, split: 'val' });
  return { miou: report.miou ?? 0, perClass: Object.fromEntries(report.perClass.map((c) => [c.name, c.iou])) };
}

/** One round: a fresh segmenter (warm-started from the localizer's backbone as the app's rounds are, unless `initFrom` is null), its predictions, its queue. */
async function segmenterRound(plan: Plan, key: string, pseudoDir: string, trusted: string[], overrides: Partial<SegmenterConfig>, trainIds: string[], initFrom: string | null = join(WORK, plan.name, 'localizer')): Promise<RoundResult & { queue: RankedQueue }> {
  return step(`${plan.name}/${key}`, async () => {
    const dir = join(WORK, plan.name, key);
    const trustedDir = join(dir, 'trusted');
    await correctByGt(plan.year, trusted, trustedDir);
    const length = STEPS === null ? { timeBudget: BUDGET } : { timeBudget: null, maxSteps: STEPS, epochs: 10_000 };
    const config: SegmenterConfig = { ...SEGMENTER_PRESETS.quick, backend: 'wasm', ...length, ...plan.segmenter, ...overrides };
    const run = join(dir, 'run');
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const finished = await runSegment({ dataset: plan.root, pseudo: pseudoDir, trusted: trusted.length ? trustedDir : null, initFrom, out: run, config, resume: false, inProcess: true, progress: null });
    const scheme = await schemeOf(config, trustedDir, trusted, (await openDataset(plan.root)).classes.length - 1);
    const trainSeconds = (Date.now() - t0) / 1000;
    const cpu1 = process.cpuUsage();
    const t1 = Date.now();
    await runInfer({ run, dataset: plan.root, split: 'val', out: join(dir, 'val'), ...PREDICT, refine: 'par', camCache: true });
    await runInfer({ run, dataset: plan.root, split: 'train', out: join(dir, 'train'), ...PREDICT, refine: 'none', camCache: true });
    const predictSeconds = (Date.now() - t1) / 1000;
    const t2 = Date.now();
    const queue = await rankedQueue(run, plan.root, trainIds);
    const rankSeconds = (Date.now() - t2) / 1000;
    const cpu2 = process.cpuUsage();
    const cpuSeconds = (c: NodeJS.CpuUsage, from: NodeJS.CpuUsage): number => (c.user + c.system - from.user - from.system) / 1e6;
    const rows = await readMetrics(run);
    return { key, trusted: trusted.length, scheme, ...(await miouOf(join(dir, 'val'), plan.root)), steps: finished.step, reason: finished.reason, trainSeconds, predictSeconds, rankSeconds, trainCpuSeconds: cpuSeconds(cpu1, cpu0), roundCpuSeconds: cpuSeconds(cpu2, cpu0), finalCe: Number(rows.at(-1)?.ce ?? NaN), queue };
  });
}

/** The scheme a round trained with (`auto` resolved as the trainer resolves it, from the same masks). */
async function schemeOf(config: SegmenterConfig, trustedDir: string, ids: readonly string[], numForeground: number): Promise<string> {
  if (ids.length === 0) return 'pseudo-masks only';
  if (config.trustedScheme !== 'auto') return config.trustedScheme;
  const counts = await maskClassCounts(trustedDir, ids, numForeground);
  return `auto: ${resolveScheme('auto', counts, numForeground, config.trustedAloneFrom)}`;
}

async function benchDataset(plan: Plan): Promise<DatasetResult> {
  const index = await openDataset(plan.root);
  const trainIds = imagesOfSplit(index, 'train').map((r) => r.id);
  const loc = join(WORK, plan.name, 'localizer');
  const localizer = await step(`${plan.name}/localizer`, async () => {
    const t0 = Date.now();
    const result = await runTrain({ dataset: plan.root, out: loc, config: { ...QUICK_PRESET, backend: 'wasm' }, resume: false, inProcess: true, progress: null });
    return { steps: result.step, seconds: (Date.now() - t0) / 1000 };
  });
  const pseudoDir = join(WORK, plan.name, 'pseudo-train');
  const pseudo = await step(`${plan.name}/pseudo-masks`, async () => {
    await runInfer({ run: loc, dataset: plan.root, split: 'train', out: pseudoDir, ...PSEUDO, ignoreBand: BAND, camCache: true });
    await runInfer({ run: loc, dataset: plan.root, split: 'val', out: join(WORK, plan.name, 'pseudo-val'), ...PSEUDO, camCache: true });
    const queue = await rankedQueue(loc, plan.root, trainIds);
    return { ...(await miouOf(join(WORK, plan.name, 'pseudo-val'), plan.root)), queue };
  });
  const k0 = await segmenterRound(plan, 'k0', pseudoDir, [], {}, trainIds);
  const k0Scratch = values.scratch ? await segmenterRound(plan, 'k0-scratch', pseudoDir, [], {}, trainIds, null) : undefined;
  const counts = plan.fractions.map((f) => Math.round(f * trainIds.length));
  const curves: DatasetResult['curves'] = {};
  for (const order of ['worst-first', 'random'] as const) {
    const done = new Set<string>();
    let queue = pseudo.queue.ids;
    const rounds: RoundResult[] = [];
    for (const [r, count] of counts.entries()) {
      const picked = pickCorrections(queue, trainIds, done, count - done.size, order, 1000 + r);
      for (const id of picked) done.add(id);
      const result = await segmenterRound(plan, `${order}-r${r + 1}`, pseudoDir, [...done].sort(), {}, trainIds);
      rounds.push(result);
      queue = result.queue.ids;
    }
    curves[order] = rounds;
  }
  const schemes: RoundResult[] = [];
  if (!values['no-schemes'] && plan.name === 'demo' && plan.fractions.join() === '0.05,0.1,0.2') {
    // the same 10 % as the worst-first curve's second round: the round-0 queue's worst 5 %, then round 1's next worst
    const ids = await step(`${plan.name}/schemes-set`, async () => {
      const done = new Set<string>();
      const first = pickCorrections(pseudo.queue.ids, trainIds, done, counts[0]!, 'worst-first', 0);
      first.forEach((id) => done.add(id));
      const r1 = state[`${plan.name}/worst-first-r1`] as { queue: RankedQueue };
      pickCorrections(r1.queue.ids, trainIds, done, counts[1]! - done.size, 'worst-first', 0).forEach((id) => done.add(id));
      return [...done].sort();
    });
    for (const [name, overrides] of SCHEMES) {
      // The preset's own scheme on this set (picked as the worst-first curve picked it) is that curve's 10 % round: reused, not retrained.
      const preset = SEGMENTER_PRESETS.quick;
      const same = (Object.keys(overrides) as (keyof SegmenterConfig)[]).every((k) => overrides[k] === preset[k]);
      const worst10 = curves['worst-first']?.[1];
      const reused = same && worst10?.trusted === ids.length ? worst10 : null;
      schemes.push({ ...(reused ?? (await segmenterRound(plan, `scheme-${name}`, pseudoDir, ids, overrides, trainIds))), key: reused ? `${name} (the preset: the worst-first 10 % round)` : name });
    }
  }
  return { name: plan.name, label: plan.label, trainImages: trainIds.length, localizer, pseudo: { miou: pseudo.miou, perClass: pseudo.perClass, spearman: pseudo.queue.spearman }, k0, ...(k0Scratch ? { k0Scratch } : {}), curves, schemes };
}

/**
 * The ways of using 10 % corrections compared on the demo set: [name, settings]. Earlier runs
 * (docs/segmenter.md) measured weight 3, mixed ×1, trusted-first and the trusted masks' own head,
 * none better than these.
 */
const SCHEMES: [string, Partial<SegmenterConfig>][] = [
  ['mixed, ×3', { trustedScheme: 'mixed', trustedRepeat: 3, trustedWeight: 1, trustedHead: false }],
  ['alternate, ×3', { trustedScheme: 'alternate', trustedRepeat: 3, trustedWeight: 1, trustedHead: false }],
  ['trusted-last, ×3', { trustedScheme: 'trusted-last', trustedRepeat: 3, trustedWeight: 1, trustedHead: false }],
  ['auto', { trustedScheme: 'auto', trustedRepeat: 3, trustedWeight: 1, trustedHead: false }],
];

async function main(): Promise<void> {
  await mkdir(WORK, { recursive: true });
  if (existsSync(stateFile)) state = JSON.parse(await readFile(stateFile, 'utf8')) as State;
  await initBackend({ force: 'wasm' });
  // A resumed bench keeps the first session's start and load (the step log has each session's).
  const { startedAt, loadBefore } = await step('meta', () => Promise.resolve({ startedAt: new Date().toISOString(), loadBefore: loadavg() }));
  const datasets: DatasetResult[] = [];
  for (const plan of await plans()) datasets.push(await benchDataset(plan));
  const result: BenchResult = {
    startedAt,
    endedAt: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}, wasm backend (one thread)`,
    load: { before: loadBefore, after: loadavg(), samples: loadSamples },
    budgetMinutes: BUDGET,
    steps: STEPS,
    ignoreBand: BAND,
    segmenter: SEGMENTER_PRESETS.quick,
    datasets,
    appRound: existsSync(resolve('bench/round-time.json')) ? (JSON.parse(await readFile(resolve('bench/round-time.json'), 'utf8')) as BenchResult['appRound']) : null,
  };
  // The queues' image orders stay in the work folder's state.json; the JSON keeps the numbers.
  await writeFile(resolve(values.out).replace(/\.md$/, '.json'), `${JSON.stringify(result, (key, value: unknown) => (key === 'ids' ? undefined : value), 1)}\n`);
  const report = writeReport(result);
  await writeFile(resolve(values.out), report);
  console.log(`Wrote ${values.out}.\n\n${report.slice(report.indexOf('## Targets'))}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
