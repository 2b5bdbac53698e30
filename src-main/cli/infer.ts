/** `eader infer` (pseudo-masks of a dataset split from a trained run; defaults: the app's own) and `eader cams` (the run's cam cache only). */
import { Command, Option } from 'commander';
import type { IgnoreBand } from '@shared/pseudo/render';
import { REFINER_NAMES, REFINERS, type RefinerName } from '@shared/pseudo/refiners';
import { parseShard, shardLabel, type Shard } from '../datasets/shard';
import { INFER_DEFAULTS } from './infer-run';
import { terminalSafe } from './print';

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
  gridSide: string;
  refine: RefinerName;
  keepLargest?: boolean;
  ignoreBand?: string;
  camCache?: boolean;
  walkSteps: string;
  backend?: string;
  shard?: string;
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

/** `low,high` with 0 ≤ low < high ≤ 1. */
export function parseIgnoreBand(text: string): IgnoreBand {
  const parts = text.split(',').map((s) => s.trim());
  const [low, high] = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !(low! >= 0 && low! < high! && high! <= 1)) {
    throw new Error(`--ignore-band must be "low,high" with 0 ≤ low < high ≤ 1, got "${text}".`);
  }
  return { low: low!, high: high! };
}

function parseSide(name: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}".`);
  return v;
}

const d = INFER_DEFAULTS;

/** The flags that decide the cams, shared by `eader infer` and `eader cams` (one declaration each). */
function addCamOptions(command: Command): Command {
  return command
    .requiredOption('--run <run_dir>', 'a run folder written by `eader train` (or the app)')
    .requiredOption('--dataset <path>', 'the dataset: VOC root, COCO folder or instances .json, labelled folder')
    .option('--split <name>', 'split to infer', d.split)
    .option('--shard <i/n>', 'only shard i of n (1 ≤ i ≤ n) of the split’s images sorted by id, e.g. $SLURM_ARRAY_TASK_ID/16: n shards together write what one job writes (docs/cluster.md)')
    .addOption(new Option('--labels <source>', 'image labels: ground truth, or predicted by the localizer').choices(['gt', 'predicted']).default(d.labels))
    .option('--label-threshold <p>', 'with --labels predicted: probability above which a class is present', String(d.labelThreshold))
    .option('--scales <list>', 'image scales whose cams are averaged', d.scales.join(','))
    .option('--flip', 'also average the cams of the mirrored image', d.flip)
    .option('--no-flip', 'no flip averaging')
    .addOption(new Option('--checkpoint <which>', 'checkpoint to load').choices(['best', 'last']).default(d.checkpoint))
    .option('--max-side <px>', 'cap the network input’s longest side at scale 1 (masks are still written at full size)')
    .option('--grid-side <px>', 'longest side of the cam grid masks are rendered from (the app caches at this size)', String(d.gridSide))
    .option('--backend <name>', 'compute backend: auto (default), webgpu, tensorflow-gpu, tensorflow, wasm or cpu');
}

type CamFlags = Pick<InferFlags, 'run' | 'dataset' | 'split' | 'shard' | 'labels' | 'labelThreshold' | 'scales' | 'flip' | 'checkpoint' | 'maxSide' | 'gridSide' | 'backend'>;

function camSettings(flags: CamFlags) {
  return {
    run: flags.run,
    dataset: flags.dataset,
    split: flags.split,
    shard: flags.shard === undefined ? null : parseShard(flags.shard),
    labels: flags.labels,
    labelThreshold: parseFraction('label-threshold', flags.labelThreshold),
    scales: parseScales(flags.scales),
    flip: flags.flip,
    checkpoint: flags.checkpoint,
    maxSide: flags.maxSide === undefined ? null : parseSide('max-side', flags.maxSide, 16),
    gridSide: parseSide('grid-side', flags.gridSide, 8),
    ...(flags.backend ? { backend: flags.backend } : {}),
  };
}

/** Progress on stderr: one rewritten line on a terminal, a line per 100 images in a log (a cluster job's). */
function progressPrinter(verb: string): { onProgress: (done: number, total: number, id: string) => void; end: () => void } {
  const tty = process.stderr.isTTY;
  return {
    onProgress: (done, total, id) => {
      if (tty) process.stderr.write(`\r\x1b[2K${verb} ${done}/${total} ${terminalSafe(id)}`);
      else if (done === total || done % 100 === 0) process.stderr.write(`${verb} ${done}/${total}\n`);
    },
    end: () => {
      if (tty) process.stderr.write('\n');
    },
  };
}

const ofShard = (shard: Shard | null): string => (shard ? ` (shard ${shardLabel(shard)})` : '');

export function registerInfer(program: Command): void {
  program.addCommand(
    addCamOptions(
      new Command('infer').description(
        'Write one pseudo-mask per image (<imageId>.png, 8-bit indexed with the VOC palette, values = class index, 255 = ignore) from a trained run, ' +
          'through the pipeline the app uses: the same run, checkpoint and settings give the same bytes as the app’s accepted masks.',
      ),
    )
      .requiredOption('--out <mask_dir>', 'folder for the masks (created)')
      .option('--threshold <x>', 'cam threshold: pixels whose best cam is below it are background', String(d.threshold))
      .addOption(new Option('--refine <refiner>', REFINER_NAMES.map((n) => `${n}: ${REFINERS[n].summary}`).join('; ')).choices(REFINER_NAMES).default(d.refine))
      .option('--walk-steps <n>', "with --refine rw: steps of the random walk (IRN's 256; on small images 16–32 did better, and are 8–16× faster: bench/rw-walk.md)", String(d.walkSteps))
      .option('--keep-largest', 'keep only the largest connected component of each class')
      .option('--ignore-band <low,high>', '255 (ignore) where the best cam lies in [low, high), e.g. 0.05,0.3 for training labels')
      .option('--cam-cache', "read cams from the run's cam cache and add the missing ones (as the app's Generate does; replaces a cache made with other settings)")
      .action(async (flags: InferFlags) => {
        const { runInfer } = await import('./infer-run');
        const progress = progressPrinter('infer');
        const cams = camSettings(flags);
        const summary = await runInfer({
          ...cams,
          out: flags.out,
          threshold: parseFraction('threshold', flags.threshold),
          refine: flags.refine,
          keepLargest: flags.keepLargest ?? false,
          ignoreBand: flags.ignoreBand === undefined ? null : parseIgnoreBand(flags.ignoreBand),
          camCache: flags.camCache ?? false,
          walkSteps: parseSide('walk-steps', flags.walkSteps, 1),
          onProgress: progress.onProgress,
        });
        progress.end();
        const fromCache = summary.cached > 0 ? `, ${summary.cached} from the cam cache` : '';
        console.log(`Wrote ${summary.images} masks${ofShard(cams.shard)} to ${summary.out} (checkpoint step ${summary.checkpointStep}, ${summary.backend}${fromCache}, ${summary.seconds.toFixed(1)} s).`);
      }),
  );
}

export function registerCams(program: Command): void {
  program.addCommand(
    addCamOptions(
      new Command('cams').description(
        "Fill a run's cam cache (runs/<id>/cams/, what the app's Generate writes and its Masks area reads) for a split or a shard of it, without writing masks; " +
          'images already cached are kept, so a job run again computes only the rest.',
      ),
    ).action(async (flags: CamFlags) => {
      const { runCams } = await import('./infer-run');
      const progress = progressPrinter('cams');
      const cams = camSettings(flags);
      const summary = await runCams({ ...cams, onProgress: progress.onProgress });
      progress.end();
      console.log(
        `Cams of ${summary.images} images${ofShard(cams.shard)} in ${summary.dir} (${summary.images - summary.cached} computed, ${summary.cached} cached already; checkpoint step ${summary.checkpointStep}, ${summary.backend}, ${summary.seconds.toFixed(1)} s).`,
      );
    }),
  );
}
