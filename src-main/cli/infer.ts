/** `eader infer`: pseudo-masks of a dataset split from a trained run. */
import { Command, Option } from 'commander';

interface InferFlags {
  run: string;
  dataset: string;
  split: string;
  out: string;
  threshold: string;
  labels: 'gt' | 'predicted';
  labelThreshold: string;
  scales: string;
  flip: boolean;
  checkpoint: 'best' | 'last';
  maxSide?: string;
  backend?: string;
}

export function parseFraction(name: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) throw new Error(`--${name} must be a number in [0,1], got "${text}".`);
  return v;
}

export function parseScales(text: string): number[] {
  const scales = text.split(',').map((s) => Number(s.trim()));
  if (scales.length === 0 || scales.some((s) => !Number.isFinite(s) || s <= 0 || s > 4)) {
    throw new Error(`--scales must be comma-separated numbers in (0,4], got "${text}".`);
  }
  return scales;
}

export function registerInfer(program: Command): void {
  program.addCommand(
    new Command('infer')
      .description('Write one pseudo-mask per image (<imageId>.png, 8-bit indexed with the VOC palette, values = class index) from a trained run.')
      .requiredOption('--run <run_dir>', 'a run folder written by `eader train`')
      .requiredOption('--dataset <dir>', 'dataset root')
      .requiredOption('--out <mask_dir>', 'folder for the masks (created)')
      .option('--split <name>', 'split to infer', 'val')
      .option('--threshold <x>', 'cam threshold: pixels whose best cam is below it are background', '0.3')
      .addOption(new Option('--labels <source>', 'image labels: ground truth, or predicted by the localizer').choices(['gt', 'predicted']).default('gt'))
      .option('--label-threshold <p>', 'with --labels predicted: probability above which a class is present', '0.5')
      .option('--scales <list>', 'image scales whose cams are averaged', '1,0.75,1.25')
      .option('--flip', 'also average the cams of the mirrored image', true)
      .option('--no-flip', 'no flip averaging')
      .addOption(new Option('--checkpoint <which>', 'checkpoint to load').choices(['best', 'last']).default('best'))
      .option('--max-side <px>', 'cap the longest side at scale 1 (cams are still upsampled to full size)')
      .option('--backend <name>', 'compute backend: auto (default), webgpu, tensorflow-gpu, tensorflow, wasm or cpu')
      .action(async (flags: InferFlags) => {
        const maxSide = flags.maxSide === undefined ? null : Number(flags.maxSide);
        if (maxSide !== null && (!Number.isInteger(maxSide) || maxSide < 16)) throw new Error(`--max-side must be an integer ≥ 16, got "${flags.maxSide}".`);
        const { runInfer } = await import('./infer-run');
        const tty = process.stderr.isTTY;
        const summary = await runInfer({
          run: flags.run,
          dataset: flags.dataset,
          split: flags.split,
          out: flags.out,
          threshold: parseFraction('threshold', flags.threshold),
          labels: flags.labels,
          labelThreshold: parseFraction('label-threshold', flags.labelThreshold),
          scales: parseScales(flags.scales),
          flip: flags.flip,
          checkpoint: flags.checkpoint,
          maxSide,
          ...(flags.backend ? { backend: flags.backend } : {}),
          onProgress: (done, total, id) => {
            if (tty) process.stderr.write(`\r\x1b[2Kinfer ${done}/${total} ${id}`);
            else if (done === total || done % 100 === 0) process.stderr.write(`infer ${done}/${total}\n`);
          },
        });
        if (tty) process.stderr.write('\n');
        console.log(`Wrote ${summary.images} masks to ${summary.out} (checkpoint step ${summary.checkpointStep}, ${summary.backend}, ${summary.seconds.toFixed(1)} s).`);
      }),
  );
}
