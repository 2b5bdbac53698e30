/** `eader eval`: mIoU, per-class IoU, precision and recall of predicted masks. */
import { Command } from 'commander';
import { formatReport } from './eval-report';
import { terminalSafeJson } from './print';

interface EvalFlags {
  pred: string;
  dataset: string;
  split: string;
  json?: boolean;
  missingAsBackground?: boolean;
}

export function registerEval(program: Command): void {
  program.addCommand(
    new Command('eval')
      .description('Score predicted masks (<imageId>.png class-index PNGs) against the ground truth: per-class IoU, precision, recall, mIoU (background included, 255 ignored).')
      .requiredOption('--pred <mask_dir>', 'folder of predicted masks, e.g. written by `eader infer`')
      .requiredOption('--dataset <path>', 'the dataset with ground truth: VOC root, COCO folder or instances .json, labelled folder with masks/')
      .option('--split <name>', 'split to score', 'val')
      .option('--json', 'print the report as JSON')
      .option('--missing-as-background', 'score an image without a prediction as all background (default: error)')
      .action(async (flags: EvalFlags) => {
        const { runEval } = await import('./eval-run');
        const report = await runEval({ pred: flags.pred, dataset: flags.dataset, split: flags.split, missingAsBackground: flags.missingAsBackground ?? false });
        console.log(flags.json ? terminalSafeJson(report) : formatReport(report));
      }),
  );
}
