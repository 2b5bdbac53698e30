/**
 * `eader demo`: the one-command tour on the learnable demo set (3,000 + 200 shape images,
 * generated at first use into $EADER_HOME/cache, see datasets/demo/cache.ts): train with the
 * Quick preset (the CPU recipe, under its time budget) in a trainer child process, infer the val
 * pseudo-masks refined by PAR, score them. `--dataset` trains on another dataset instead; every
 * training flag overrides the preset.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { ensureDemoDataset } from '../datasets/demo/cache';
import { writeJsonAtomic } from '../fs/atomic-write';
import { eaderHome } from '../runs/run-roots';
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

export function registerDemo(program: Command): void {
  const cmd = new Command('demo')
    .description('Train on the generated demo dataset (made once in $EADER_HOME/cache), write the val pseudo-masks and score them (about three minutes on a laptop CPU).')
    .option('--out <dir>', 'folder for the run, the masks and the scores', 'eader-demo')
    .option('--dataset <dir>', 'use another dataset instead of the bundled one')
    .option('--in-process', 'train in this process instead of a trainer child process')
    .addHelpText('after', '\nThe demo trains with the Quick preset (the CPU recipe, 2.5-minute time budget) unless a flag says otherwise.');
  addTrainConfigOptions(cmd, 'quick');
  cmd.action(async (flags: DemoFlags) => {
    const { runEval } = await import('./eval-run');
    const { runInfer } = await import('./infer-run');
    const out = resolve(flags.out);
    const dataset = flags.dataset
      ? resolve(flags.dataset)
      : await ensureDemoDataset(join(eaderHome(), 'cache'), {}, (dir) => console.log(`Generating the demo dataset once into ${dir} …`));
    if (!existsSync(dataset)) throw new Error(`The dataset ${dataset} does not exist.`);
    const runDir = join(out, 'run');
    if (existsSync(runPaths(runDir).config)) throw new Error(`${out} already holds a demo run; pick another --out (or delete it).`);
    const store = new WeightsStore();
    const flagged = trainConfigFromFlags(flags, (await store.list()).entries);
    const config = flagged.config;
    for (const line of presetWeightsLines(flagged)) console.log(line);
    const t0 = Date.now();
    console.log(`EADER demo: training on ${dataset}\n  run folder: ${runDir}`);
    await runTrain({ dataset, out: runDir, config, resume: false, inProcess: flags.inProcess ?? false, handleSignals: true, weights: store });
    const trained = (Date.now() - t0) / 1000;
    const masks = join(out, 'masks-val');
    console.log(`Inferring val pseudo-masks (multi-scale + flip cams, refined by PAR) into ${masks} …`);
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
      refine: 'par',
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
