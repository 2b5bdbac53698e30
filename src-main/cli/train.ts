/** `eader train`: train EADER on a dataset into a run folder. */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { refuseInsideDataset } from '../fs/output-guard';
import { refuseIfRunLocked } from '../runs/run-lock';
import { WeightsStore } from '../weights/store';
import { addTrainConfigOptions, presetWeightsLines, trainConfigFromFlags, type TrainFlags } from './train-options';
import { runTrain } from './train-run';

interface TrainCliFlags extends TrainFlags {
  dataset: string;
  out: string;
  resume?: boolean;
  inProcess?: boolean;
}

export function registerTrain(program: Command): void {
  const cmd = new Command('train')
    .description(
      'Train the localizer and adversary (EADER) on a dataset: Pascal VOC, COCO instances or a labelled folder. The trainer runs in a child process; ' +
        'checkpoints go to RUN_DIR/checkpoints, metrics to RUN_DIR/metrics.jsonl.',
    )
    .requiredOption('--dataset <path>', 'a dataset, as `eader dataset info` reads it: a VOC root, a COCO folder or instances .json, a labelled folder')
    .requiredOption('--out <run_dir>', 'run folder to create (or to continue with --resume)')
    .option('--resume', 'continue the run in --out from its newest complete checkpoint (its saved settings are kept; --epochs/--max-steps/--time-budget may change; time already trained counts against the budget)')
    .option('--in-process', 'train in this process instead of a trainer child process (no crash isolation)');
  addTrainConfigOptions(cmd, 'paper');
  cmd.addHelpText(
    'after',
    '\nExamples:\n  eader train --dataset ~/data/VOCdevkit --out runs/voc-r50 --backend gpu\n' +
      '  eader train --dataset resources/demo --out runs/demo --preset quick --epochs 5\n' +
      '  eader train --dataset resources/demo --out runs/demo --resume --epochs 8\n' +
      '  eader weights download resnet101 && eader train --dataset ~/data/VOCdevkit --out runs/voc-r101   # the paper preset takes the ImageNet weights\n' +
      '  eader train --dataset ~/data/VOCdevkit --out runs/voc --backbone resnet50 --pretrained ~/weights/resnet50.pth --adversary-pretrained none\n' +
      '  eader train --dataset ~/data/coco/annotations/instances_train2017.json --out runs/coco --train-split train2017\n' +
      '  eader train --dataset ~/data/my-folder --out runs/folder --train-split all   # labels.csv without a split column',
  );
  cmd.action(async (flags: TrainCliFlags) => {
    const store = new WeightsStore();
    const flagged = trainConfigFromFlags(flags, (await store.list()).entries);
    const config = flagged.config;
    if (!flags.resume) for (const line of presetWeightsLines(flagged)) console.error(line);
    // Checked here for a clear message before a trainer starts; the trainer checks both again.
    await refuseInsideDataset(resolve(flags.out), resolve(flags.dataset), '--out');
    if (flags.resume) await refuseIfRunLocked(resolve(flags.out), 'resume');
    const resumeLength = {
      ...(flags.epochs !== undefined ? { epochs: config.epochs } : {}),
      ...(flags.maxSteps !== undefined ? { maxSteps: config.maxSteps } : {}),
      ...(flags.timeBudget !== undefined ? { timeBudget: config.timeBudget } : {}),
    };
    const result = await runTrain({
      dataset: flags.dataset,
      out: flags.out,
      config,
      resume: flags.resume ?? false,
      resumeLength,
      inProcess: flags.inProcess ?? false,
      handleSignals: true,
      weights: store,
    });
    console.log(`Training ended (${result.reason}) at step ${result.step}: ${result.runDir}`);
  });
  program.addCommand(cmd);
}
