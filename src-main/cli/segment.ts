/** `eader segment`: train a segmentation network on pseudo-masks (and trusted masks) into a segmenter run. */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { SEGMENTER_TABLE, SegmenterPresetId, type SegmenterConfig } from '@shared/domain/segmenter-config';
import type { StartSegmenterCommand } from '@shared/trainer-protocol';
import { checkSegmenterConfig } from '../engine/segmenter/settings';
import { readSegmenterRunRecord } from '../runs/run-store';
import { labelPaths } from '../runs/segmenter-labels';
import { addSettingOptions, givenKeys, settingsFromFlags, type TrainFlags } from './train-options';
import { runTrainerCommand, type TrainerRunOptions } from './train-run';

interface SegmentCliFlags extends TrainFlags {
  dataset: string;
  pseudo?: string;
  trusted?: string;
  heldOut?: string;
  localizerRun?: string;
  initFrom?: string;
  out: string;
  resume?: boolean;
  inProcess?: boolean;
}

export interface SegmentOptions extends TrainerRunOptions {
  dataset: string;
  /** Folder of pseudo-masks, `<imageId>.png` (required for a new run). */
  pseudo?: string;
  trusted?: string | null;
  /** Trusted image ids kept out of training (scored instead). */
  heldOut?: string[];
  localizerRunId?: string | null;
  round?: number | null;
  /** A localizer run folder whose backbone starts the network (a new run only). */
  initFrom?: string | null;
  out: string;
  config: SegmenterConfig;
  resume: boolean;
  /** On resume: the length flags given again. */
  resumeLength?: Partial<Pick<SegmenterConfig, 'epochs' | 'maxSteps' | 'timeBudget'>>;
}

/** The trainer command of `eader segment` (on resume: the run's saved settings and its own label copies). */
export async function segmentCommandFor(options: SegmentOptions): Promise<StartSegmenterCommand> {
  const datasetRoot = resolve(options.dataset);
  if (!existsSync(datasetRoot)) throw new Error(`Dataset ${datasetRoot} does not exist (give a dataset folder or a COCO instances .json).`);
  const runDir = resolve(options.out);
  if (options.resume) {
    const record = await readSegmenterRunRecord(runDir);
    const config = checkSegmenterConfig({ ...record.config, ...options.resumeLength });
    const labels = labelPaths(runDir);
    return {
      type: 'start-segmenter',
      config,
      datasetRoot,
      runDir,
      resume: true,
      labels: { pseudoDir: labels.pseudo, trustedDir: labels.trusted, localizerRunId: record.labels.pseudo.localizerRunId, heldOut: record.labels.heldOut, round: record.labels.round },
    };
  }
  if (!options.pseudo) throw new Error('--pseudo DIR is required for a new segmenter run (a folder of <imageId>.png class-index masks, 255 = ignore, e.g. from `eader infer --ignore-band 0.05,0.3`).');
  for (const [flag, dir] of [['--pseudo', options.pseudo], ['--trusted', options.trusted]] as const) {
    if (dir && !existsSync(resolve(dir))) throw new Error(`${flag} ${resolve(dir)} does not exist.`);
  }
  return {
    type: 'start-segmenter',
    config: checkSegmenterConfig(options.config),
    datasetRoot,
    runDir,
    resume: false,
    labels: {
      pseudoDir: resolve(options.pseudo),
      trustedDir: options.trusted ? resolve(options.trusted) : null,
      localizerRunId: options.localizerRunId ?? null,
      heldOut: options.heldOut ?? [],
      round: options.round ?? null,
    },
    initFrom: options.initFrom ? resolve(options.initFrom) : null,
  };
}

export async function runSegment(options: SegmentOptions): Promise<Awaited<ReturnType<typeof runTrainerCommand>>> {
  const command = await segmentCommandFor(options);
  return runTrainerCommand(command, options, `eader segment --dataset ${command.datasetRoot} --out ${command.runDir} --resume`);
}

/** A held-out list: ids separated by commas, or @FILE with one id per line. */
async function heldOutIds(text: string | undefined): Promise<string[]> {
  if (!text) return [];
  const raw = text.startsWith('@') ? await readFile(text.slice(1), 'utf8') : text;
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function registerSegment(program: Command): void {
  const cmd = new Command('segment')
    .description(
      'Train a segmentation network (DeepLab-style: a backbone at output stride 8 or 16, an ASPP head) on pseudo-masks and, optionally, trusted (corrected) masks, ' +
        'in a trainer child process. The run (kind "segmenter") copies its labels into RUN_DIR/labels; `eader infer --run RUN_DIR` predicts with it.',
    )
    .requiredOption('--dataset <path>', 'the dataset the masks belong to: a VOC root, a COCO folder or instances .json, a labelled folder')
    .option('--pseudo <dir>', 'pseudo-masks: <imageId>.png class-index PNGs, 255 = ignore (e.g. `eader infer --split train --ignore-band 0.05,0.3`)')
    .option('--trusted <dir>', 'trusted masks (corrected or accepted), the same format; they override the pseudo-mask of the same image and weigh more')
    .option('--held-out <ids>', 'trusted images to keep out of training and score on instead: id,id,… or @FILE (one id per line)')
    .option('--localizer-run <id>', 'the localizer run the pseudo-masks came from (recorded with the run)')
    .option('--init-from <run_dir>', "start the backbone from a localizer run's newest checkpoint (same backbone; the ASPP head from scratch); recorded with the run")
    .requiredOption('--out <run_dir>', 'run folder to create (or to continue with --resume)')
    .option('--resume', 'continue the run in --out from its newest complete checkpoint, on its own copies of the labels (--epochs/--max-steps/--time-budget may change)')
    .option('--in-process', 'train in this process instead of a trainer child process (no crash isolation)');
  addSettingOptions(cmd, SEGMENTER_TABLE, SegmenterPresetId.enum.deeplab);
  cmd.addHelpText(
    'after',
    '\nExamples:\n' +
      '  eader infer --run runs/demo --dataset resources/demo --split train --ignore-band 0.05,0.3 --out masks/train\n' +
      '  eader segment --dataset resources/demo --pseudo masks/train --init-from runs/demo --out runs/demo-seg --preset quick --time-budget 2\n' +
      '  eader segment --dataset resources/demo --pseudo masks/train --trusted corrected/ --out runs/demo-seg2 --preset quick\n' +
      '  eader infer --run runs/demo-seg --dataset resources/demo --split val --out masks/seg-val && eader eval --pred masks/seg-val --dataset resources/demo',
  );
  cmd.action(async (flags: SegmentCliFlags) => {
    const config = settingsFromFlags<SegmenterConfig>(flags, SEGMENTER_TABLE);
    const given = new Set(givenKeys(flags, SEGMENTER_TABLE));
    const resumeLength = Object.fromEntries((['epochs', 'maxSteps', 'timeBudget'] as const).filter((k) => given.has(k)).map((k) => [k, config[k]]));
    const result = await runSegment({
      dataset: flags.dataset,
      ...(flags.pseudo ? { pseudo: flags.pseudo } : {}),
      trusted: flags.trusted ?? null,
      heldOut: await heldOutIds(flags.heldOut),
      localizerRunId: flags.localizerRun ?? null,
      initFrom: flags.initFrom ?? null,
      out: flags.out,
      config,
      resume: flags.resume ?? false,
      resumeLength,
      inProcess: flags.inProcess ?? false,
      handleSignals: true,
    });
    console.log(`Segmenter training ended (${result.reason}) at step ${result.step}: ${result.runDir}`);
  });
  program.addCommand(cmd);
}
