/**
 * bench/quality.md and bench/quality.json (issue 14): pseudo-mask quality after each stage of the
 * one pipeline (cam → PAR → random walk) at fixed time budgets, per class, with the time each took,
 * on the demo set and on a held-out set of Fashion-MNIST items (scripts/heldout/); and the α sweep
 * (masked area against α, the paper's claim) on the demo set. Everything goes through the public
 * CLI (built: `npm run build`), so a stage is one list entry:
 *   train   eader train --preset quick --time-budget MIN          (val BCE vs the label prior from the run)
 *   refine  eader refine --run R --dataset D --time-budget MIN    (only for a stage that needs it)
 *   infer   eader infer --refine NAME …                            (multi-scale + flip cams, GT labels)
 *   score   eader eval --json
 * A stage whose refiner (or command) the CLI does not offer yet is skipped, and the output says so.
 *
 *   node --import tsx scripts/bench/quality.ts [--quick] [--work DIR] [--demo-home DIR]
 *     [--demo-minutes 2.5] [--heldout-minutes 8] [--refine-minutes 4] [--alpha-minutes 1.5]
 *     [--heldout-val 500] [--skip-alpha] [--render (bench/quality.md again from bench/quality.json)]
 * Wall-clock budgets: on a loaded machine a run fits fewer steps in them; the load is written down.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeIndexedPng } from '../../src-main/codecs/indexed-png';
import { writeFileAtomic } from '../../src-main/fs/atomic-write';
import type { EvalReport } from '../../src-main/cli/eval-report';
import { learnedNothing } from '../../src-shared/domain/validation';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    work: { type: 'string', default: '/tmp/eader-quality-bench' },
    'demo-home': { type: 'string' },
    'demo-minutes': { type: 'string' },
    'heldout-minutes': { type: 'string' },
    'refine-minutes': { type: 'string' },
    'alpha-minutes': { type: 'string' },
    'heldout-val': { type: 'string' },
    'skip-alpha': { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
  },
});
const quick = a.quick ?? false;
const minutes = (flag: string | undefined, full: number, short: number): number => Number(flag ?? (quick ? short : full));
const DEMO_MIN = minutes(a['demo-minutes'], 2.5, 0.5);
const HELDOUT_MIN = minutes(a['heldout-minutes'], 8, 1);
const REFINE_MIN = minutes(a['refine-minutes'], 4, 0.5);
const ALPHA_MIN = minutes(a['alpha-minutes'], 1.5, 0.3);
const HELDOUT_VAL = Number(a['heldout-val'] ?? (quick ? 100 : 500));
const work = resolve(a.work!);

/** One pipeline stage: a refiner of `eader infer`, and whether it needs `eader refine` first. */
interface Stage {
  name: string;
  refine: string;
  needsRefineCommand: boolean;
  /** More `eader infer` flags of this stage. */
  flags?: string[];
}
const STAGES: Stage[] = [
  { name: 'cam', refine: 'none', needsRefineCommand: false },
  { name: 'PAR', refine: 'par', needsRefineCommand: false },
  // 32 steps: on 48–128 px images IRN's 256 over-spreads (bench/rw-walk.md: 24.0 % at 32 against 20–22 % at 256).
  { name: 'random walk (32 steps)', refine: 'rw', needsRefineCommand: true, flags: ['--walk-steps', '32'] },
];
const ALPHAS = [0, 0.05, 0.2];
// The checkpoint infer reads, and the one `eader refine` trains the head for (a head fits one localizer checkpoint).
const INFER = ['--split', 'val', '--labels', 'gt', '--scales', '1,0.75,1.25', '--flip', '--threshold', '0.3', '--checkpoint', 'last'];

interface Timed {
  stdout: string;
  wallSeconds: number;
  cpuSeconds: number;
}

/** Run the built CLI; wall and CPU seconds from /usr/bin/time (user + system of the process tree it waited for). */
function eader(args: string[], env: NodeJS.ProcessEnv = {}): Timed {
  const timing = join(work, `.time-${process.pid}`);
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timing, process.execPath, join(root, 'bin/eader.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`eader ${args.join(' ')} exited with ${run.status ?? run.signal}:\n${run.stderr.slice(-2000)}`);
  const [user, system] = readFileSync(timing, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { stdout: run.stdout, wallSeconds, cpuSeconds: (user ?? 0) + (system ?? 0) };
}

/** What the CLI offers: `eader infer --refine` choices and whether `eader refine` exists. */
function offers(): { refiners: Set<string>; refineCommand: boolean } {
  const help = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/eader.js'), ...args], { cwd: root, encoding: 'utf8' }).stdout;
  const infer = help(['infer', '--help']).replace(/\s+/g, ' ');
  const choices = (/--refine <refiner>.*?\(choices: ([^)]*)\)/.exec(infer)?.[1] ?? '').split('default:')[0] ?? '';
  const refiners = new Set([...choices.matchAll(/"([^"]+)"/g)].map((m) => m[1]!));
  const commands = help(['--help']);
  return { refiners, refineCommand: /^\s+refine\b/m.test(commands) };
}

interface StageResult {
  stage: string;
  refine: string;
  skipped: string | null;
  miou: number | null;
  perClass: { name: string; iou: number | null }[];
  refineSeconds: number | null;
  inferWallSeconds: number | null;
  inferCpuSeconds: number | null;
}

interface SetResult {
  name: string;
  dataset: string;
  trainMinutes: number;
  trainWallSeconds: number;
  trainCpuSeconds: number;
  steps: number | null;
  validation: { bce: number; prior: number; images: number } | null;
  stages: StageResult[];
}

function lastJson<T>(stdout: string): T {
  const start = stdout.indexOf('{');
  return JSON.parse(stdout.slice(start)) as T;
}

function validationOf(runDir: string): SetResult['validation'] {
  const file = join(runDir, 'validation.json');
  if (!existsSync(file)) return null;
  const v = (JSON.parse(readFileSync(file, 'utf8')) as { validations: { bce: number; prior: number; images: number }[] }).validations.at(-1);
  return v ? { bce: v.bce, prior: v.prior, images: v.images } : null;
}

function stepsOf(runDir: string): number | null {
  const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
  const last = lines.at(-1);
  return last ? (JSON.parse(last) as { step: number }).step : null;
}

function train(dataset: string, runDir: string, budget: number, extra: string[] = []): Timed {
  rmSync(runDir, { recursive: true, force: true });
  process.stderr.write(`train ${runDir} (${budget} min)…\n`);
  return eader(['train', '--dataset', dataset, '--out', runDir, '--preset', 'quick', '--time-budget', String(budget), ...extra]);
}

function benchSet(name: string, dataset: string, budget: number, cli: ReturnType<typeof offers>): SetResult {
  const runDir = join(work, name, 'run');
  const trained = train(dataset, runDir, budget);
  const stages: StageResult[] = [];
  for (const stage of STAGES) {
    const base = { stage: stage.name, refine: stage.refine, miou: null, perClass: [], refineSeconds: null, inferWallSeconds: null, inferCpuSeconds: null };
    if (!cli.refiners.has(stage.refine) || (stage.needsRefineCommand && !cli.refineCommand)) {
      const missing = !cli.refiners.has(stage.refine) ? `\`eader infer --refine ${stage.refine}\`` : '`eader refine`';
      stages.push({ ...base, skipped: `skipped: this build's CLI does not offer ${missing} yet` });
      continue;
    }
    let refineSeconds: number | null = null;
    if (stage.needsRefineCommand) refineSeconds = eader(['refine', '--run', runDir, '--dataset', dataset, '--checkpoint', 'last', '--time-budget', String(REFINE_MIN)]).wallSeconds;
    const masks = join(work, name, `masks-${stage.refine}`);
    rmSync(masks, { recursive: true, force: true });
    process.stderr.write(`infer ${name} --refine ${stage.refine}…\n`);
    const inferred = eader(['infer', '--run', runDir, '--dataset', dataset, '--out', masks, '--refine', stage.refine, ...(stage.flags ?? []), ...INFER]);
    const report = lastJson<EvalReport>(eader(['eval', '--pred', masks, '--dataset', dataset, '--split', 'val', '--json']).stdout);
    stages.push({
      ...base,
      skipped: null,
      miou: report.miou,
      perClass: report.perClass.map((c) => ({ name: c.name, iou: c.iou })),
      refineSeconds,
      inferWallSeconds: inferred.wallSeconds,
      inferCpuSeconds: inferred.cpuSeconds,
    });
  }
  return { name, dataset, trainMinutes: budget, trainWallSeconds: trained.wallSeconds, trainCpuSeconds: trained.cpuSeconds, steps: stepsOf(runDir), validation: validationOf(runDir), stages };
}

/** The fraction of pixels a folder of masks labels foreground (not background, not void). */
function foregroundFraction(masks: string): number {
  let fg = 0;
  let all = 0;
  for (const file of readdirSync(masks).filter((f) => f.endsWith('.png'))) {
    const { mask } = decodeIndexedPng(readFileSync(join(masks, file)));
    for (const v of mask.data) if (v !== 0 && v !== 255) fg++;
    all += mask.data.length;
  }
  return fg / Math.max(1, all);
}

interface BenchResult {
  startedAt: string;
  endedAt: string;
  cpus: number;
  cpu: string;
  loadBefore: number[];
  loadAfter: number[];
  quick: boolean;
  budgets: { DEMO_MIN: number; HELDOUT_MIN: number; REFINE_MIN: number; ALPHA_MIN: number };
  heldoutVal: number;
  cli: { refiners: string[]; refineCommand: boolean };
  sets: SetResult[];
  alpha: AlphaRow[];
}

interface AlphaRow {
  variant: string;
  alpha: number | null;
  steps: number | null;
  validation: SetResult['validation'];
  maskedArea: number;
  miou: number | null;
  trainWallSeconds: number;
}

/** Masked area = the fraction of pixels whose best cam is ≥ σ = 0.5 (the erasing mask sigmoid(ω(cam − σ)) at ω = 100, hardened), single scale, no refinement. */
function alphaSweep(dataset: string): AlphaRow[] {
  const variants: { variant: string; alpha: number | null; flags: string[] }[] = [
    { variant: 'localizer only (adversary none)', alpha: null, flags: [] },
    ...ALPHAS.map((alpha) => ({ variant: `EADER, tiny adversary, α = ${alpha}`, alpha, flags: ['--adversary', 'tiny', '--alpha', String(alpha), '--loc-steps', '50', '--adv-steps', '50'] })),
  ];
  return variants.map(({ variant, alpha, flags }) => {
    const runDir = join(work, 'alpha', `run-${alpha ?? 'none'}`);
    const trained = train(dataset, runDir, ALPHA_MIN, flags);
    const masks = join(work, 'alpha', `masks-${alpha ?? 'none'}`);
    rmSync(masks, { recursive: true, force: true });
    eader(['infer', '--run', runDir, '--dataset', dataset, '--out', masks, '--refine', 'none', '--split', 'val', '--labels', 'gt', '--scales', '1', '--no-flip', '--threshold', '0.5', '--checkpoint', 'last']);
    const report = lastJson<EvalReport>(eader(['eval', '--pred', masks, '--dataset', dataset, '--split', 'val', '--json']).stdout);
    return { variant, alpha, steps: stepsOf(runDir), validation: validationOf(runDir), maskedArea: foregroundFraction(masks), miou: report.miou, trainWallSeconds: trained.wallSeconds };
  });
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : (100 * v).toFixed(1));
const sec = (v: number | null): string => (v === null ? '—' : v.toFixed(0));

function setMarkdown(s: SetResult): string[] {
  const v = s.validation;
  const lines = [
    `### ${s.name}`,
    '',
    `Dataset \`${s.dataset}\`. Training: Quick preset, \`--time-budget ${s.trainMinutes}\`: ${s.steps ?? '?'} steps, ${sec(s.trainWallSeconds)} s wall (process start and validation included), ${sec(s.trainCpuSeconds)} CPU-s; ` +
      (v ? `val BCE ${v.bce.toFixed(3)} against the label prior ${v.prior.toFixed(3)} (${v.images} images).` : 'no val BCE.'),
    '',
    ...(v && learnedNothing(v) ? ['**Learned nothing in this budget** (val BCE not 2 % below the prior): the stages below score maps that carry no signal.', ''] : []),
    '| stage | `--refine` | val mIoU | refine s | infer wall s | infer CPU-s |',
    '|---|---|---|---|---|---|',
    ...s.stages.map((r) => (r.skipped ? `| ${r.stage} | \`${r.refine}\` | ${r.skipped} | | | |` : `| ${r.stage} | \`${r.refine}\` | **${pct(r.miou)}** | ${sec(r.refineSeconds)} | ${sec(r.inferWallSeconds)} | ${sec(r.inferCpuSeconds)} |`)),
    '',
  ];
  const scored = s.stages.filter((r) => !r.skipped);
  const names = scored[0]?.perClass.map((c) => c.name) ?? [];
  if (names.length) {
    lines.push(`Per class IoU (%):`, '', `| class | ${scored.map((r) => r.stage).join(' | ')} |`, `|---|${scored.map(() => '---|').join('')}`);
    names.forEach((name, i) => lines.push(`| ${name} | ${scored.map((r) => pct(r.perClass[i]?.iou)).join(' | ')} |`));
    lines.push('');
  }
  return lines;
}

/** Measure everything (about 25 minutes at these budgets on two cores). */
async function measure(): Promise<BenchResult> {
  mkdirSync(work, { recursive: true });
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const cli = offers();
  process.stderr.write(`CLI refiners: ${[...cli.refiners].join(', ')}; eader refine: ${cli.refineCommand ? 'yes' : 'no'}\n`);

  // The demo set (generated once into a cache; the demo's own cache is reused when given).
  const { ensureDemoDataset } = await import('../../src-main/datasets/demo/cache');
  const demo = await ensureDemoDataset(join(resolve(a['demo-home'] ?? join(work, 'home')), 'cache'));
  const heldout = join(work, 'heldout');
  if (!existsSync(join(heldout, 'VOCdevkit', 'VOC2012', 'classes.txt'))) {
    process.stderr.write('generating the held-out set…\n');
    const made = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/heldout/make-heldout.ts'), '--out', heldout, '--train', '3000', '--val', String(HELDOUT_VAL)], { cwd: root, stdio: 'inherit', env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json' } });
    if (made.status !== 0) throw new Error('the held-out generator failed');
  }
  const heldoutRoot = join(heldout, 'VOCdevkit', 'VOC2012');

  const sets = [benchSet('demo', demo, DEMO_MIN, cli), benchSet('held-out', heldoutRoot, HELDOUT_MIN, cli)];
  const alpha = a['skip-alpha'] ? [] : alphaSweep(demo);
  const loadAfter = loadavg();

  return { startedAt, endedAt: new Date().toISOString(), cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', loadBefore, loadAfter, quick, budgets: { DEMO_MIN, HELDOUT_MIN, REFINE_MIN, ALPHA_MIN }, heldoutVal: HELDOUT_VAL, cli: { refiners: [...cli.refiners], refineCommand: cli.refineCommand }, sets, alpha };
}

function render(result: BenchResult): string {
  const { sets, alpha, loadBefore, loadAfter, startedAt } = result;
  return [
  '# Pseudo-mask quality per stage (issue 14)',
  '',
  'Written by `scripts/bench/quality.ts` (`npm run bench` runs it; alone: `npm run build && node --import tsx scripts/bench/quality.ts`); raw numbers in `bench/quality.json`.',
  `Every number comes from the public CLI: \`eader train --preset quick --time-budget MIN\`, \`eader infer --refine NAME ${INFER.join(' ')}\`, \`eader eval --json\`.`,
  '',
  `Machine: ${result.cpus} × ${result.cpu}, shared with other jobs: load average ${loadBefore.map((l) => l.toFixed(1)).join(' / ')} at the start, ${loadAfter.map((l) => l.toFixed(1)).join(' / ')} at the end (1/5/15 min). ` +
    'The budgets are wall-clock minutes, so under this load a run fits fewer steps than on a quiet machine (the step counts say how many); infer times are wall and CPU seconds for the whole val split.',
  `Run ${startedAt} – ${result.endedAt}${result.quick ? ' (--quick: shortened budgets)' : ''}. CPU-s: user + system of the CLI and its trainer child; CPU-s far below 2 × wall is the load's share taken from us.`,
  '',
  '## Stages',
  '',
  ...sets.flatMap(setMarkdown),
  '## α sweep (demo set)',
  '',
  alpha.length
    ? `Each trained with the Quick preset for ${result.budgets.ALPHA_MIN} min; with an adversary, blocks of 50 localizer / 50 adversary steps. Masked area: the fraction of val pixels whose best cam (GT classes, single scale, no refinement) is ≥ σ = 0.5 — the erasing mask sigmoid(ω(cam − σ)) at ω = 100, hardened. mIoU: the same masks.`
    : 'Skipped (--skip-alpha).',
  '',
  ...(alpha.length
    ? [
        '| variant | steps | val BCE / prior | masked area % | mIoU @0.5 % | train wall s |',
        '|---|---|---|---|---|---|',
        ...alpha.map((r) => `| ${r.variant} | ${r.steps ?? '?'} | ${r.validation ? `${r.validation.bce.toFixed(3)} / ${r.validation.prior.toFixed(3)}` : '—'} | ${pct(r.maskedArea)} | ${pct(r.miou)} | ${sec(r.trainWallSeconds)} |`),
        '',
        ...(alpha.every((r) => !r.validation || learnedNothing(r.validation))
          ? ['**No variant learned anything in this budget** (every val BCE within 2 % of the prior), so the masked area says nothing about α here: the sweep needs maps that carry signal (a longer `--alpha-minutes`, or a quieter machine).', '']
          : []),
      ]
    : []),
].join('\n');
}

// --render: write bench/quality.md again from bench/quality.json (no measuring).
const result: BenchResult = a.render ? (JSON.parse(readFileSync(join(root, 'bench/quality.json'), 'utf8')) as BenchResult) : await measure();
const md = render(result);
if (!a.render) await writeFileAtomic(join(root, 'bench/quality.json'), `${JSON.stringify(result, null, 2)}\n`);
await writeFileAtomic(join(root, 'bench/quality.md'), `${md}\n`);
process.stdout.write(`${md}\n`);
