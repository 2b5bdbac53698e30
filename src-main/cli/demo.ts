/**
 * `eader demo`: the one-command tour on the learnable demo set (3,000 + 200 shape images,
 * generated at first use into $EADER_HOME/cache, see datasets/demo/cache.ts): train with the
 * demo recipe (the Quick preset plus DEMO_RECIPE's flags) in a trainer child process, infer the val
 * pseudo-masks, score them. `--dataset` trains on another dataset instead.
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

/**
 * The demo's recipe on top of the Quick preset, as train flags (each can be overridden on the
 * command line). Measured in bench/quality-research.md (§3, §6): the tiny localizer on 48 px
 * inputs (crop min 0.5), Adam 1e-3, no adversary, 12 epochs of the 3,000 images learns the set in
 * about 2.5 minutes on two cores (val BCE well below the label prior). With PAR in the inference
 * and the one-cycle schedule (engine/lr-schedule.ts) wired in, the research recommends lr 3e-3.
 */
export const DEMO_RECIPE: Partial<Record<keyof TrainFlags, string>> = {
  epochs: '12',
  imageSize: '48',
  batchSize: '16',
  lr: '1e-3',
  cropMinScale: '0.5',
  adversary: 'none',
  checkpointEvery: '500',
  sampleEvery: '250',
};

export function registerDemo(program: Command): void {
  const cmd = new Command('demo')
    .description('Train on the generated demo dataset (made once in $EADER_HOME/cache), write the val pseudo-masks and score them (about three minutes on a laptop CPU).')
    .option('--out <dir>', 'folder for the run, the masks and the scores', 'eader-demo')
    .option('--dataset <dir>', 'use another dataset instead of the bundled one')
    .option('--in-process', 'train in this process instead of a trainer child process')
    .addHelpText('after', `\nThe demo's recipe (Quick preset plus ${Object.entries(DEMO_RECIPE).map(([k, v]) => `${k} ${v}`).join(', ')}) applies unless a flag says otherwise.`);
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
    const recipe = Object.fromEntries(Object.entries(DEMO_RECIPE).filter(([k]) => flags[k] === undefined));
    const store = new WeightsStore();
    const flagged = trainConfigFromFlags({ ...flags, ...recipe }, (await store.list()).entries);
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
