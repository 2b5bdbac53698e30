/** `eader eval`: mIoU, per-class IoU, precision and recall of predicted masks; sharded, partial matrices and their merge. */
import { Command } from 'commander';
import { resolve } from 'node:path';
import { parseShard, shardLabel } from '../datasets/shard';
import { formatReport, type EvalReport } from './eval-report';
import { terminalSafe, terminalSafeJson } from './print';

interface EvalFlags {
  pred?: string;
  dataset?: string;
  split: string;
  json?: boolean;
  missingAsBackground?: boolean;
  shard?: string;
  partial?: string;
  merge?: string[];
}

export function registerEval(program: Command): void {
  program.addCommand(
    new Command('eval')
      .description(
        'Score predicted masks (<imageId>.png class-index PNGs) against the ground truth: per-class IoU, precision, recall, mIoU (background included, 255 ignored). ' +
          'On a cluster: each shard writes its partial confusion matrix (--shard i/n --partial FILE), and --merge sums them into the exact metrics of one run.',
      )
      .option('--pred <mask_dir>', 'folder of predicted masks, e.g. written by `eader infer`')
      .option('--dataset <path>', 'the dataset with ground truth: VOC root, COCO folder or instances .json, labelled folder with masks/')
      .option('--split <name>', 'split to score', 'val')
      .option('--json', 'print the report as JSON')
      .option('--missing-as-background', 'score an image without a prediction as all background (default: error)')
      .option('--shard <i/n>', 'only shard i of n (1 ≤ i ≤ n) of the split’s images sorted by id; needs --partial')
      .option('--partial <file>', 'write the confusion counts to this file (eader-eval-partial/1) instead of printing the metrics')
      .option('--merge <partials...>', 'sum the partial files of every shard and print the metrics of the whole split')
      .action(async (flags: EvalFlags) => {
        const { evalCounts, reportOf } = await import('./eval-run');
        const { mergeEvalPartials, writeEvalPartial } = await import('./eval-partial');
        const print = (report: EvalReport): void => console.log(flags.json ? terminalSafeJson(report) : formatReport(report));
        if (flags.merge) {
          if (flags.pred || flags.dataset || flags.shard || flags.partial) throw new Error('--merge takes only partial files (and --json): the partials say what was scored.');
          print(reportOf(await mergeEvalPartials(flags.merge)));
          return;
        }
        if (!flags.pred || !flags.dataset) throw new Error('eval needs --pred and --dataset (or --merge with partial files).');
        if (flags.shard && !flags.partial) throw new Error('--shard needs --partial FILE: a shard writes its confusion counts for `eader eval --merge`.');
        const shard = flags.shard === undefined ? null : parseShard(flags.shard);
        const counts = await evalCounts({ pred: flags.pred, dataset: flags.dataset, split: flags.split, missingAsBackground: flags.missingAsBackground ?? false, shard });
        if (flags.partial) {
          const { refuseInsideDataset } = await import('../fs/output-guard');
          await refuseInsideDataset(resolve(flags.partial), counts.dataset, '--partial', flags.dataset);
          await writeEvalPartial(flags.partial, counts);
          const which = shard ? `shard ${shardLabel(shard)}` : 'the whole split';
          console.log(`Wrote the confusion counts of ${which} (${counts.images} ${terminalSafe(counts.split)} images) to ${terminalSafe(resolve(flags.partial))}.`);
          return;
        }
        print(reportOf(counts));
      }),
  );
}
