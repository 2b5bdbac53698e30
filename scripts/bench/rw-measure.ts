/**
 * Measures the affinity random walk on a trained run (default: a fresh Quick run on the demo set):
 * trains the head with `runRefine` under a time budget, then writes the val masks with
 * `runInfer` for the raw cams and for `rw` at several walk lengths and background scores, and
 * scores each with `runEval`. Writes bench/rw-walk.md (medians are not needed: one pass each, and
 * the machine's load is stated).
 *
 * On the wasm backend throughout (auto would pick software WebGPU on this machine).
 *
 *   npx tsx scripts/bench/rw-measure.ts [--run RUN_DIR] [--dataset resources/demo] [--epochs 8] [--budget 1.5]
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { QUICK_PRESET } from '@shared/domain/train-presets';
import { runEval } from '../../src-main/cli/eval-run';
import { runInfer } from '../../src-main/cli/infer-run';
import { runRefine } from '../../src-main/cli/refine-run';
import { runTrain } from '../../src-main/cli/train-run';
import { readRunRecord } from '../../src-main/runs/run-store';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    dataset: { type: 'string', default: 'resources/demo' },
    epochs: { type: 'string', default: '8' },
    budget: { type: 'string', default: '1.5' },
    out: { type: 'string', default: 'bench/rw-walk.md' },
  },
});
const dataset = resolve(values.dataset!);
const work = await mkdtemp(join(tmpdir(), 'eader-rw-bench-'));
const load0 = loadavg()[0]!;
let runDir = values.run ? resolve(values.run) : join(work, 'run');
let trainSeconds: number | null = null;
if (!values.run) {
  const t0 = performance.now();
  await runTrain({ dataset, out: runDir, config: { ...QUICK_PRESET, epochs: Number(values.epochs), backend: 'wasm' }, resume: false, inProcess: true, handleSignals: false, progress: null });
  trainSeconds = (performance.now() - t0) / 1000;
}
runDir = resolve(runDir);
const t1 = performance.now();
const refine = await runRefine({ run: runDir, dataset, timeBudgetMinutes: Number(values.budget), epochs: 50, inProcess: true, backend: 'wasm', checkpoint: 'last' }); // the checkpoint the masks use
const refineSeconds = (performance.now() - t1) / 1000;

interface Row { label: string; miou: number | null; seconds: number }
const rows: Row[] = [];
async function measure(label: string, settings: { refine: 'none' | 'rw'; threshold: number; walkSteps?: number }): Promise<void> {
  const out = join(work, `masks-${rows.length}`);
  const t = performance.now();
  await runInfer({ run: runDir, dataset, split: 'val', out, camCache: true, checkpoint: 'last', backend: 'wasm', ...settings });
  const seconds = (performance.now() - t) / 1000;
  const report = await runEval({ pred: out, dataset, split: 'val' });
  rows.push({ label, miou: report.miou, seconds });
  console.log(label, report.miou, seconds.toFixed(1));
}
await measure('cams (rule), threshold 0.30', { refine: 'none', threshold: 0.3 }); // fills the cam cache
for (const threshold of [0.2, 0.3, 0.4, 0.5]) if (threshold !== 0.3) await measure(`cams (rule), threshold ${threshold.toFixed(2)}`, { refine: 'none', threshold });
for (const steps of [16, 32, 256]) for (const threshold of [0.25, 0.4, 0.55]) await measure(`rw, ${steps} steps, background ${threshold.toFixed(2)}`, { refine: 'rw', threshold, walkSteps: steps });

const { config } = await readRunRecord(runDir);
const describe = `${config.backbone} localizer, adversary ${config.adversary}, ${config.epochs} epochs at ${config.imageSize} px on ${values.dataset}${values.run ? ' (a run given with --run)' : ' (the Quick preset, trained here)'}`;
const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(2)} %`);
const lines = [
  '# The affinity random walk (rw) on the demo set',
  '',
  `Written by \`npx tsx scripts/bench/rw-measure.ts\` (${new Date().toISOString()}). Machine: this 2-core box, shared with other sessions: load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end — wall times are inflated by the load.`,
  '',
  `- Localizer: ${describe}${trainSeconds === null ? '' : ` (${trainSeconds.toFixed(0)} s)`}; masks from its last checkpoint, the head trained on the same one.`,
  `- Affinity head: \`runRefine\`, time budget ${values.budget} min: ${refine.steps} steps, loss ${refine.loss?.toFixed(4) ?? '—'} (mean of the last 50 steps), ${refine.head?.seconds.toFixed(0) ?? '?'} s of training with the seeds in all${refine.resumedFrom > 0 ? ` (resumed at step ${refine.resumedFrom}; this call ${refineSeconds.toFixed(0)} s)` : ''}, stopped by ${refine.head?.stoppedBy ?? '?'}.`,
  '- Masks: `runInfer` on val (scales 1/0.75/1.25 with flip, GT labels, grid 256, from the run\'s cam cache after the first row), scored by `runEval` (mIoU with background). Seconds: the whole infer call (render + PNG writes; the walk for rw).',
  '',
  '| masks | val mIoU | infer s |',
  '|---|---|---|',
  ...rows.map((r) => `| ${r.label} | ${pct(r.miou)} | ${r.seconds.toFixed(1)} |`),
  '',
];
await writeFile(values.out!, lines.join('\n'));
console.log(lines.join('\n'));
