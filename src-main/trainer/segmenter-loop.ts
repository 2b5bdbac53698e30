/**
 * The segmenter's training loop, in the trainer process (or in-process with `eader segment
 * --in-process`), with the localizer loop's machinery: the same backend start, dataset door,
 * image cache, pause/resume/stop between steps, metrics.jsonl, progress reports, checkpoints,
 * retention and resume. Its own parts: labelled images instead of image labels (segmenter-run.ts),
 * the sampler of trusted and pseudo-masked images (segmenter-sampler.ts), the poly learning-rate
 * decay over the planned steps, the time budget (time-budget.ts), and the warm start from a
 * localizer run's backbone (`initFrom`).
 */
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import type { SegmenterConfig } from '@shared/domain/segmenter-config';
import type { StartSegmenterCommand } from '@shared/trainer-protocol';
import { errorText } from '@shared/envelope';
import { initBackend } from '../engine/backend';
import { checkSegmenterConfig, polyFactor } from '../engine/segmenter/settings';
import { ImageCache } from '../datasets/image-cache';
import { openDataset } from '../datasets/open-dataset';
import { imagesOfSplit } from '../datasets/select';
import { loadLatestCheckpoint, removeStaleTemps } from '../runs/checkpoints';
import { appendMetrics, readMetrics, recordResume, runPaths, truncateMetrics } from '../runs/run-store';
import { labelPaths, listMaskIds, maskClassCounts } from '../runs/segmenter-labels';
import { CheckpointWriter } from './checkpoint-writer';
import { TrainerFailure, type TrainerIO, type TrainingResult } from './loop';
import { MaskCache } from './mask-cache';
import type { SegmenterEngineFactory, SegmenterTrainerEngine } from './segmenter-engine';
import { openInit, prepareSegmenterRun } from './segmenter-run';
import { resolveScheme, SegmenterSampler } from './segmenter-sampler';
import { TimeBudget } from './time-budget';
import { weightsOpener } from '../weights/resolve';
import { WeightsStore } from '../weights/store';

export async function runSegmenterTraining(command: StartSegmenterCommand, io: TrainerIO, makeEngine: SegmenterEngineFactory): Promise<TrainingResult> {
  checkSegmenterConfig(command.config); // a bad setting fails here (ConfigError), before any folder exists
  const paths = runPaths(command.runDir);
  const backend = await initBackend(command.config.backend === 'auto' ? {} : { force: command.config.backend });
  let index: DatasetIndex;
  let records: ImageRecord[];
  try {
    index = await openDataset(command.datasetRoot, command.datasetFormat ? { format: command.datasetFormat } : {});
    records = imagesOfSplit(index, command.config.trainSplit);
  } catch (error) {
    throw new TrainerFailure('BAD_DATA', `Cannot open the dataset: ${errorText(error)}`);
  }
  const prepared = await prepareSegmenterRun(command, index, records, backend.name);
  const { config } = prepared;
  const numForeground = index.classes.length - 1;
  if (command.resume) await removeStaleTemps(paths.checkpoints);
  const latest = command.resume ? await loadLatestCheckpoint(paths.checkpoints) : null;
  // Pretrained weights are read for a run that starts at step 0; a resumed one has its own.
  const engine = await makeEngine(config, numForeground, (level, message) => io.emit({ type: 'log', level, message }), { openWeights: weightsOpener(new WeightsStore()), restoring: latest !== null });
  try {
    let startStep = 0;
    let resumedFrom: string | null = null;
    let elapsedBefore = 0;
    if (command.resume) {
      if (latest) {
        await engine.importState({ step: latest.state.step, tensors: latest.state.tensors, extra: latest.state.extra ?? {} });
        startStep = latest.state.step;
        resumedFrom = latest.info.dir;
      } else {
        io.emit({ type: 'log', level: 'warning', message: 'No complete checkpoint to resume from: starting at step 0.' });
      }
      await truncateMetrics(paths.dir, startStep);
      const lastRow = (await readMetrics(paths.dir)).at(-1);
      elapsedBefore = typeof lastRow?.elapsedSeconds === 'number' ? lastRow.elapsedSeconds : 0;
      await recordResume(paths.dir, startStep, backend.name);
    }
    // A warm start from the localizer's backbone: a new run, or a resumed one with no checkpoint yet (else its own weights are restored above).
    const init = prepared.init ?? (startStep === 0 && prepared.record.init ? await openInit(prepared.record.init.runDir, config) : null);
    if (init) {
      const report = await engine.loadBackbone(init.source);
      io.emit({ type: 'log', level: 'info', message: `Backbone from localizer run ${init.runId} (step ${init.step}): ${report.loaded.length} tensors; the ASPP head from scratch.` });
    }
    const scheme = resolveScheme(config.trustedScheme, config.trustedScheme === 'auto' ? await maskClassCounts(labelPaths(paths.dir).trusted, prepared.trusted, numForeground) : new Map(), numForeground, config.trustedAloneFrom);
    const sampler = new SegmenterSampler(prepared.pseudo, prepared.trusted, { repeat: config.trustedRepeat, scheme, batchSize: config.batchSize, seed: config.seed });
    const byEpochs = sampler.stepsPerEpoch * config.epochs;
    const cap = config.maxSteps !== null ? Math.min(config.maxSteps, byEpochs) : byEpochs;
    const budget = new TimeBudget(config.timeBudget === null ? null : config.timeBudget * 60, cap, elapsedBefore);
    io.emit({
      type: 'log',
      level: 'info',
      message: `Segmenter on ${prepared.trusted.length} trusted and ${prepared.pseudo.length} pseudo-masked images (${config.trustedScheme === 'auto' ? `auto: ${scheme}, every class in ${config.trustedAloneFrom}+ trusted masks or not` : scheme}, trusted ×${config.trustedRepeat}, weight ${config.trustedWeight}).`,
    });
    io.emit({ type: 'started', runDir: paths.dir, backend: `${backend.name} (${backend.device})`, startStep, totalSteps: Math.max(1, cap), trainImages: sampler.images, resumedFrom });
    return await trainSegmenterSteps({ config, engine, io, index, startStep, sampler, budget, numForeground, backendName: backend.name, runDir: paths.dir, elapsedBefore, cap });
  } finally {
    engine.dispose();
  }
}

interface SegmenterLoopState {
  config: SegmenterConfig;
  engine: SegmenterTrainerEngine;
  io: TrainerIO;
  index: DatasetIndex;
  startStep: number;
  sampler: SegmenterSampler;
  budget: TimeBudget;
  numForeground: number;
  backendName: string;
  runDir: string;
  /** Seconds trained by the run's earlier sessions. */
  elapsedBefore: number;
  /** The run's length without a budget. */
  cap: number;
}

async function trainSegmenterSteps(s: SegmenterLoopState): Promise<TrainingResult> {
  const { config, engine, io, budget, sampler } = s;
  const images = new ImageCache(s.index, config.cacheMaxSide, config.cacheMegabytes * 2 ** 20);
  const masks = new MaskCache(s.numForeground + 1, config.cacheMaxSide);
  const labels = labelPaths(s.runDir);
  const trustedIds = new Set<string>();
  const byId = new Map(s.index.images.map((r) => [r.id, r]));
  const checkpoints = new CheckpointWriter(s.runDir, config.keepCheckpoints, engine, io.emit);
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  let secondsPerStep: number | null = null;
  let step = s.startStep;
  let stopped = false;
  let outOfTime = false;
  for (const id of await listMaskIds(labels.trusted)) trustedIds.add(id);
  while (step < budget.totalSteps) {
    if (!(await io.control.between(() => io.emit({ type: 'state', state: 'paused' })))) {
      stopped = true;
      break;
    }
    if (budget.expired(elapsed())) {
      outOfTime = true;
      break;
    }
    const t0 = performance.now();
    const batch = sampler.batchAt(step, budget.totalSteps);
    const items = await Promise.all(
      batch.ids.map(async (id) => {
        const record = byId.get(id);
        if (!record) throw new TrainerFailure('BAD_DATA', `Image "${id}" is not in the dataset any more.`);
        const trusted = trustedIds.has(id);
        return { image: await images.get(record), mask: await masks.get(trusted ? labels.trusted : labels.pseudo, id), trusted, classes: record.labels };
      }),
    );
    const result = await engine.trainStep(items, step, polyFactor(step, budget.totalSteps));
    const seconds = (performance.now() - t0) / 1000;
    secondsPerStep = secondsPerStep === null ? seconds : 0.9 * secondsPerStep + 0.1 * seconds;
    step += 1;
    const planned = budget.observe(seconds, step, elapsed());
    if (planned) io.emit({ type: 'log', level: 'info', message: planned });
    checkpoints.observe(result.losses.total);
    const totalSteps = Math.max(step, budget.totalSteps);
    const epochs = Math.max(1, Math.ceil(totalSteps / sampler.stepsPerEpoch));
    const progress = {
      type: 'progress' as const,
      step,
      totalSteps,
      epoch: Math.min(batch.epoch, epochs - 1),
      epochs,
      phase: 'segmenter' as const,
      losses: result.losses,
      imagesPerSecond: items.length / Math.max(1e-6, secondsPerStep),
      etaSeconds: secondsPerStep * (totalSteps - step),
      numTensors: engine.numTensors(),
      backend: s.backendName,
      elapsedSeconds: elapsed(),
    };
    await appendMetrics(s.runDir, {
      step,
      epoch: progress.epoch,
      phase: 'segmenter',
      ...result.losses,
      trustedPixels: result.pixels.trusted,
      pseudoPixels: result.pixels.pseudo,
      trustedOnly: batch.trustedOnly,
      lrFactor: polyFactor(step - 1, budget.totalSteps),
      imagesPerSecond: progress.imagesPerSecond,
      numTensors: progress.numTensors,
      elapsedSeconds: s.elapsedBefore + elapsed(),
      time: new Date().toISOString(),
    });
    io.emit(progress);
    const endOfEpoch = step % sampler.stepsPerEpoch === 0;
    if (step % config.checkpointEvery === 0 || endOfEpoch) await checkpoints.write(step, progress.epoch);
  }
  if (checkpoints.lastStep !== step && step > s.startStep) await checkpoints.write(step, Math.floor((step - 1) / sampler.stepsPerEpoch));
  const reason = stopped ? 'stopped' : outOfTime || budget.limiting ? 'time-budget' : config.maxSteps !== null && step === config.maxSteps ? 'max-steps' : 'completed';
  return { step, reason, runDir: s.runDir, validation: null }; // a segmenter's quality is its mIoU (rounds), not a BCE
}
