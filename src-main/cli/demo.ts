/**
 * `eader demo`: the one-command tour on the bundled demo dataset (resources/demo): train with the
 * Quick preset in a trainer child process, infer the val pseudo-masks, score them.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { resourcesDir } from '../platform/paths';
import { writeJsonAtomic } from '../fs/atomic-write';
import { formatReport } from './eval-report';
import { WeightsStore } from '../weights/store';
import { addTrainConfigOptions, presetWeightsLines, trainConfigFromFlags, type TrainFlags } from './train-options';
import { runTrain } from './train-run';
import { runPaths } from '../runs/run-layout';

interface DemoFlags extends TrainFlags {
  out: string;
  dataset?: string;
  inProcess?: boolean;
}

export const demoDatasetDir = (): string => join(resourcesDir(), 'demo');

/** The Quick preset's 3 epochs reach ~19% mIoU on the demo; 8 reach ~21% in 1.5–3 min on 2 cores. */
export const DEMO_EPOCHS = 8;

export function registerDemo(program: Command): void {
  const cmd = new Command('demo')
    .description('Train on the bundled demo dataset with the Quick preset, write the val pseudo-masks and score them (a few minutes on a laptop CPU).')
    .option('--out <dir>', 'folder for the run, the masks and the scores', 'eader-demo')
    .option('--dataset <dir>', 'use another dataset instead of the bundled one')
    .option('--in-process', 'train in this process instead of a trainer child process')
    .addHelpText('after', `\nThe demo trains ${DEMO_EPOCHS} epochs unless --epochs says otherwise.`);
  addTrainConfigOptions(cmd, 'quick');
  cmd.action(async (flags: DemoFlags) => {
    const { runEval } = await import('./eval-run');
    const { runInfer } = await import('./infer-run');
    const out = resolve(flags.out);
    const dataset = resolve(flags.dataset ?? demoDatasetDir());
    if (!existsSync(dataset)) throw new Error(`The demo dataset is missing (${dataset}).`);
    const runDir = join(out, 'run');
    if (existsSync(runPaths(runDir).config)) throw new Error(`${out} already holds a demo run; pick another --out (or delete it).`);
    const store = new WeightsStore();
    const flagged = trainConfigFromFlags({ ...flags, epochs: flags.epochs ?? String(DEMO_EPOCHS) }, (await store.list()).entries);
    const config = flagged.config;
    for (const line of presetWeightsLines(flagged)) console.log(line);
    const t0 = Date.now();
    console.log(`EADER demo: training on ${dataset}\n  run folder: ${runDir}`);
    await runTrain({ dataset, out: runDir, config, resume: false, inProcess: flags.inProcess ?? false, handleSignals: true, weights: store });
    const trained = (Date.now() - t0) / 1000;
    const masks = join(out, 'masks-val');
    console.log(`Inferring val pseudo-masks into ${masks} …`);
    const inferred = await runInfer({
      run: runDir,
      dataset,
      split: 'val',
      out: masks,
      threshold: 0.3,
      labels: 'gt',
      labelThreshold: 0.5,
      scales: [1, 0.75, 1.25],
      flip: true,
      checkpoint: 'last',
      maxSide: null,
      ...(config.backend !== 'auto' ? { backend: config.backend } : {}),
    });
    const report = await runEval({ pred: masks, dataset, split: 'val' });
    const scores = join(out, 'eval-val.json');
    await writeJsonAtomic(scores, { ...report, trainSeconds: trained, inferSeconds: inferred.seconds });
    console.log(`\n${formatReport(report)}\n`);
    console.log(
      `Done in ${((Date.now() - t0) / 1000).toFixed(0)} s (training ${trained.toFixed(0)} s, inference ${inferred.seconds.toFixed(0)} s).\n` +
        `  run:    ${runDir} (config.json, metrics.jsonl, checkpoints/)\n  masks:  ${masks}\n  scores: ${scores}`,
    );
  });
  program.addCommand(cmd);
}
