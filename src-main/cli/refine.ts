/** `eader refine`: train a run's affinity head, the random walk's (the `rw` refiner of `eader infer --refine rw` and the app). */
import { Command, Option } from 'commander';
import { REFINE_DEFAULTS } from './refine-run';
import { terminalSafe } from './print';

interface RefineFlags {
  run: string;
  dataset: string;
  split: string;
  checkpoint: 'best' | 'last';
  timeBudget?: string;
  epochs: string;
  maxSide?: string;
  checkpointEvery: string;
  backend?: string;
}

function parsePositive(name: string, text: string, integer: boolean): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${text}".`);
  return v;
}

export function registerRefine(program: Command): void {
  const d = REFINE_DEFAULTS;
  program.addCommand(
    new Command('refine')
      .description(
        "Train a run's affinity head (IRN's random walk) into the run folder (affinity/): seeds from the localizer's cams on a split, " +
          'then the head on the frozen localizer; checkpoints as it goes, and running it again resumes. Then `eader infer --refine rw`.',
      )
      .requiredOption('--run <run_dir>', 'a run folder written by `eader train` (or the app)')
      .requiredOption('--dataset <path>', 'the dataset the run was trained on: VOC root, COCO folder or instances .json, labelled folder')
      .option('--split <name>', 'the split whose images train the head', d.split)
      .addOption(new Option('--checkpoint <which>', 'the localizer checkpoint the head is for').choices(['best', 'last']).default(d.checkpoint))
      .option('--time-budget <min>', 'minutes for the whole job, the seeds and resumed sessions included; without it, --epochs decide')
      .option('--epochs <n>', 'passes over the split (the length without a budget, its cap with one)', String(d.epochs))
      .option('--max-side <px>', "cap the network input's longest side")
      .option('--checkpoint-every <steps>', 'a checkpoint every this many steps', String(d.checkpointEvery))
      .option('--backend <name>', 'compute backend: auto (default), webgpu, tensorflow-gpu, tensorflow, wasm or cpu')
      .action(async (flags: RefineFlags) => {
        const { runRefine } = await import('./refine-run');
        const tty = process.stderr.isTTY;
        const summary = await runRefine({
          run: flags.run,
          dataset: flags.dataset,
          split: flags.split,
          checkpoint: flags.checkpoint,
          timeBudgetMinutes: flags.timeBudget === undefined ? null : parsePositive('time-budget', flags.timeBudget, false),
          epochs: parsePositive('epochs', flags.epochs, true),
          maxSide: flags.maxSide === undefined ? null : parsePositive('max-side', flags.maxSide, true),
          checkpointEvery: parsePositive('checkpoint-every', flags.checkpointEvery, true),
          ...(flags.backend ? { backend: flags.backend } : {}),
          onProgress: (p) => {
            if (p.note) process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${terminalSafe(p.note)}\n`);
            const line = p.phase === 'seeds' ? `seeds ${p.done}/${p.total}` : `head step ${p.done}/${p.total} loss ${p.loss?.toFixed(4) ?? '-'}`;
            if (tty) process.stderr.write(`\r\x1b[2K${line}`);
            else if (p.done === p.total || p.done % 100 === 0) process.stderr.write(`${line}\n`);
          },
        });
        if (tty) process.stderr.write('\n');
        const resumed = summary.resumedFrom > 0 ? ` (resumed at step ${summary.resumedFrom})` : '';
        if (summary.head) {
          const by = summary.head.stoppedBy === 'budget' ? ', stopped by the time budget' : '';
          console.log(`Trained the affinity head of ${summary.runDir}: ${summary.steps} steps${resumed}${by}, loss ${summary.loss?.toFixed(4) ?? '-'}, ${summary.backend}, ${summary.seconds.toFixed(1)} s. Next: eader infer --refine rw.`);
        } else {
          console.log(`Stopped at step ${summary.steps}${resumed}; run the same command again to resume.`);
        }
      }),
  );
}
