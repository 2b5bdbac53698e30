/**
 * The training loop, run inside the trainer process (or in-process with `eader train --in-process`):
 * dataset → seeded shuffled batches of cached decoded images → engine step (augmentation inside),
 * epochs or a time budget (time-budget.ts) with the lr schedule planned over its steps,
 * pause/resume/stop between steps, metrics.jsonl, checkpoints, erasure-round samples, and at the end
 * the val BCE against the label prior (validation.ts).
 * Steps are counted globally: checkpoint "step k" means k steps are done; step k+1 comes next.
 * The trainer holds the run's lock while it writes (runs/run-lock.ts), never writes inside the
 * dataset, and stops with DIVERGED at the first non-finite loss or weight (docs/reliability.md).
 */
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import type { TrainConfig } from '@shared/domain/train-config';
import type { StartCommand, TrainerMessage } from '@shared/trainer-protocol';
import { makeRng } from '../engine/rng';
import { loadLatestCheckpoint, removeStaleTemps } from '../runs/checkpoints';
import { appendMetrics, createRun, readRunRecord, recordResume, runPaths, truncateMetrics } from '../runs/run-store';
import { lockRun } from '../runs/run-lock';
import { LockedError } from '../fs/lock';
import { refuseInsideDataset } from '../fs/output-guard';
import { NonFiniteTensorError } from '../runs/checkpoints';
import { initBackend, isGpuFault, releaseWebGpu, type StartedBackend } from '../engine/backend';
import { gpuFaultOutcome, webGpuAdapterLine } from './gpu-fault';
import { ImageCache } from '../datasets/image-cache';
import { openDataset } from '../datasets/open-dataset';
import { imagesOfSplit } from '../datasets/select';
import { checkTrainConfig } from '../engine/settings';
import type { EngineFactory, TrainerEngine } from './engine-port';
import { RunControl } from './run-control';
import { buildSample } from './sample-png';
import { CheckpointWriter } from './checkpoint-writer';
import { runVersions } from './versions';
import { errorText } from '@shared/envelope';
import { NO_WEIGHTS, type RunWeights } from '@shared/domain/weights';
import { weightsOpener } from '../weights/resolve';
import { checkSameWeights, resolveRunWeights } from '../weights/run-weights';
import { WeightsStore } from '../weights/store';
import { CONSTANT_LR, ONE_CYCLE, scheduledLr, type LrSchedule } from '../engine/lr-schedule';
import type { LrScheduleName } from '@shared/domain/train-config';
import type { FinishReason, Validation } from '@shared/domain/validation';
import { recordValidation } from '../runs/run-validation';
import { TimeBudget } from './time-budget';
import { imageBce, labelPriorBce, validationSplit } from './validation';

export class TrainerFailure extends Error {
  constructor(
    readonly code: 'BAD_CONFIG' | 'BAD_DATA' | 'DIVERGED' | 'LOCKED' | 'OOM' | 'DEVICE_LOST' | 'INTERNAL',
    message: string,
  ) {
    super(message);
  }
}

export interface TrainerIO {
  emit(message: TrainerMessage): void;
  control: RunControl;
}

export interface TrainingResult {
  step: number;
  reason: FinishReason;
  runDir: string;
  /** The val BCE against the label prior at the end (null: the dataset has no labelled val split, or no step was taken). */
  validation: Validation | null;
}

/** The lr schedule of a setting (engine/lr-schedule.ts). */
export const LR_SCHEDULES: Record<LrScheduleName, LrSchedule> = { constant: CONSTANT_LR, 'one-cycle': ONE_CYCLE };

/** Seconds trained in the sessions before this one, as the checkpoint resumed from recorded them. */
function trainedBefore(extra: Record<string, unknown> | undefined): number {
  const value = extra?.trainedSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Seeded Fisher–Yates order of the training ids for one epoch (same on every resume). */
export function epochOrder<T = ImageRecord>(records: readonly T[], seed: number, epoch: number): T[] {
  const order = [...records];
  const rng = makeRng((Math.imul(seed + 1, 0x27d4eb2f) ^ Math.imul(epoch + 1, 0x165667b1)) >>> 0);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export function planSteps(config: TrainConfig, trainImages: number): { stepsPerEpoch: number; totalSteps: number } {
  const stepsPerEpoch = Math.max(1, Math.floor(trainImages / config.batchSize));
  const byEpochs = stepsPerEpoch * config.epochs;
  return { stepsPerEpoch, totalSteps: config.maxSteps !== null ? Math.min(config.maxSteps, byEpochs) : byEpochs };
}

/** `checked`: the new run's weights, resolved and checked before anything was created (null on resume). */
async function prepareRun(command: StartCommand, index: DatasetIndex, trainCount: number, backend: StartedBackend, checked: RunWeights | null): Promise<{ config: TrainConfig; weights: RunWeights }> {
  if (!command.resume) {
    const weights = checked ?? NO_WEIGHTS;
    await createRun(command.runDir, {
      config: command.config,
      backend: backend.name,
      device: backend.device,
      adapter: backend.adapter,
      dataset: { root: index.root, path: command.datasetRoot, format: index.format, classes: index.classes, trainImages: trainCount },
      versions: runVersions(),
      ...(weights.localizer || weights.adversary ? { weights } : {}),
    });
    return { config: command.config, weights };
  }
  const record = await readRunRecord(command.runDir);
  if (record.dataset.classes.join('\n') !== index.classes.join('\n')) {
    throw new TrainerFailure('BAD_DATA', `The dataset's classes differ from the run's (${record.dataset.classes.length} vs ${index.classes.length}).`);
  }
  // The saved config decides the model; only the length of the run may change on resume.
  return {
    config: checkTrainConfig({ ...record.config, epochs: command.config.epochs, maxSteps: command.config.maxSteps, timeBudget: command.config.timeBudget }),
    weights: record.weights ?? NO_WEIGHTS,
  };
}

/** `store`: where the config's weights names are looked up (default: $EADER_HOME/weights). */
export async function runTraining(command: StartCommand, io: TrainerIO, makeEngine: EngineFactory, store = new WeightsStore()): Promise<TrainingResult> {
  checkTrainConfig(command.config); // a bad setting fails here (ConfigError), before any folder exists
  const paths = runPaths(command.runDir);
  const backend = await initBackend(command.config.backend === 'auto' ? {} : { force: command.config.backend });
  let index: DatasetIndex;
  let records: ImageRecord[];
  try {
    index = await openDataset(command.datasetRoot, command.datasetFormat ? { format: command.datasetFormat } : {});
    records = imagesOfSplit(index, command.config.trainSplit).filter((r) => r.labels.length > 0);
  } catch (error) {
    throw new TrainerFailure('BAD_DATA', `Cannot open the dataset: ${errorText(error)}`);
  }
  if (records.length === 0) throw new TrainerFailure('BAD_DATA', `No image of split "${command.config.trainSplit}" has a class label.`);
  try {
    await refuseInsideDataset(paths.dir, index.root, 'The run folder', command.datasetRoot);
  } catch (error) {
    throw new TrainerFailure('BAD_CONFIG', errorText(error));
  }
  // Every weights reference is checked (found, the right backbone) before the run folder exists.
  const weights = command.resume ? null : await resolveRunWeights(command.config, store);
  const lock = await lockRun(paths.dir, `eader trainer (${command.resume ? 'resume' : 'train'})`).catch((error: unknown) => {
    throw error instanceof LockedError ? new TrainerFailure('LOCKED', error.message) : error;
  });
  try {
    return await trainLocked(command, io, makeEngine, index, records, backend, store, weights);
  } finally {
    await lock.release();
  }
}

async function trainLocked(
  command: StartCommand,
  io: TrainerIO,
  makeEngine: EngineFactory,
  index: DatasetIndex,
  records: ImageRecord[],
  backend: StartedBackend,
  store: WeightsStore,
  checked: RunWeights | null,
): Promise<TrainingResult> {
  const paths = runPaths(command.runDir);
  if (backend.adapter) io.emit({ type: 'log', level: 'info', message: webGpuAdapterLine(backend.adapter) });
  if (backend.warning) io.emit({ type: 'log', level: 'warning', message: backend.warning });
  const { config, weights } = await prepareRun(command, index, records.length, backend, checked);
  const numForeground = index.classes.length - 1;
  if (command.resume) await removeStaleTemps(paths.checkpoints);
  const latest = command.resume ? await loadLatestCheckpoint(paths.checkpoints) : null;
  // Starting over from step 0 reads the weights again: they must be the ones recorded.
  if (command.resume && !latest) await checkSameWeights(config, weights, store);
  const log = (level: 'info' | 'warning', message: string): void => io.emit({ type: 'log', level, message });
  // A resumed run's weights come from its checkpoint; the pretrained files are not read again.
  const engine = await makeEngine(config, numForeground, { log, openWeights: weightsOpener(store), restoring: latest !== null });
  try {
    let startStep = 0;
    let resumedFrom: string | null = null;
    const elapsedBefore = trainedBefore(latest?.state.extra);
    if (!latest) logWeights(weights, log);
    if (command.resume) {
      if (latest) {
        await engine.importState({ step: latest.state.step, tensors: latest.state.tensors, extra: latest.state.extra ?? {} });
        startStep = latest.state.step;
        resumedFrom = latest.info.dir;
      } else {
        io.emit({ type: 'log', level: 'warning', message: 'No complete checkpoint to resume from: starting at step 0.' });
      }
      await truncateMetrics(paths.dir, startStep);
      await recordResume(paths.dir, startStep, backend.name, { device: backend.device, adapter: backend.adapter });
    }
    const { stepsPerEpoch, totalSteps } = planSteps(config, records.length);
    io.emit({ type: 'started', runDir: paths.dir, backend: `${backend.name} (${backend.device})`, startStep, totalSteps, trainImages: records.length, resumedFrom });
    // A GPU fault ends the run with its own outcome: the steps done and the checkpoint before it.
    const seen = { step: startStep, checkpoint: startStep > 0 ? startStep : null };
    const watched: TrainerIO = {
      control: io.control,
      emit: (message) => {
        if (message.type === 'progress') seen.step = message.step;
        if (message.type === 'checkpoint') seen.checkpoint = message.step;
        io.emit(message);
      },
    };
    try {
      const budget = new TimeBudget(config.timeBudget === null ? null : config.timeBudget * 60, totalSteps, elapsedBefore);
      return await trainSteps({ config, engine, io: watched, index, records, startStep, stepsPerEpoch, budget, elapsedBefore, numForeground, backendName: backend.name, runDir: paths.dir });
    } catch (error) {
      if (!isGpuFault(error)) throw error;
      const { code, message } = gpuFaultOutcome(error, { step: seen.step, totalSteps, checkpointStep: seen.checkpoint, batchSize: config.batchSize, imageSize: config.imageSize });
      throw new TrainerFailure(code, message);
    }
  } finally {
    engine.dispose();
    if (backend.name === 'webgpu') releaseWebGpu();
  }
}

/** One line per network: the weights it starts from (name, SHA-256 prefix), or from scratch. */
function logWeights(weights: RunWeights, log: (level: 'info', message: string) => void): void {
  for (const network of ['localizer', 'adversary'] as const) {
    const w = weights[network];
    if (w) log('info', `The ${network} starts from pretrained weights ${w.resolved} (${w.backbone ?? '?'}, SHA-256 ${w.sha256.slice(0, 12)}…).`);
  }
}

interface LoopState {
  config: TrainConfig;
  engine: TrainerEngine;
  io: TrainerIO;
  index: DatasetIndex;
  records: ImageRecord[];
  startStep: number;
  stepsPerEpoch: number;
  /** The steps planned (the epochs' or max steps' count, or what fits in the time budget) and when to stop. */
  budget: TimeBudget;
  /** Seconds trained in the run's earlier sessions (they count against the budget). */
  elapsedBefore: number;
  numForeground: number;
  backendName: string;
  runDir: string;
}

async function trainSteps(s: LoopState): Promise<TrainingResult> {
  const { config, engine, io } = s;
  const cache = new ImageCache(s.index, config.cacheMaxSide, config.cacheMegabytes * 2 ** 20);
  const sampleRecords = s.records.slice(0, config.sampleImages);
  const { budget } = s;
  const schedule = LR_SCHEDULES[config.lrSchedule];
  // Seconds trained in this session (pauses excluded); checkpoints record the total so a resume keeps the budget.
  let trained = 0;
  const checkpoints = new CheckpointWriter(s.runDir, config.keepCheckpoints, engine, io.emit, () => ({ trainedSeconds: s.elapsedBefore + trained }));
  const started = Date.now();
  let order: ImageRecord[] = [];
  let orderEpoch = -1;
  let secondsPerStep: number | null = null;
  let step = s.startStep;
  let stopped = false;
  let outOfTime = false;
  while (step < budget.totalSteps) {
    if (budget.expired(trained)) {
      outOfTime = true;
      break;
    }
    if (!(await io.control.between(() => io.emit({ type: 'state', state: 'paused' })))) {
      stopped = true;
      break;
    }
    const iterationStart = performance.now();
    const epoch = Math.floor(step / s.stepsPerEpoch);
    if (epoch !== orderEpoch) {
      order = epochOrder(s.records, config.seed, epoch);
      orderEpoch = epoch;
    }
    const first = (step % s.stepsPerEpoch) * config.batchSize;
    const batch = order.slice(first, first + config.batchSize);
    const t0 = performance.now();
    const images = await Promise.all(batch.map((r) => cache.get(r)));
    const result = await engine.trainStep(
      images,
      batch.map((r) => r.labels),
      step,
      scheduledLr(config.lr, schedule, step, budget.totalSteps),
    );
    const seconds = (performance.now() - t0) / 1000;
    secondsPerStep = secondsPerStep === null ? seconds : 0.9 * secondsPerStep + 0.1 * seconds;
    step += 1;
    const bad = Object.entries(result.losses).find(([, value]) => !Number.isFinite(value));
    if (bad) throw diverged(step, `the ${bad[0]} loss is ${bad[1]}`);
    checkpoints.observe(result.phase === 'localizer' ? result.losses.bce : null);
    const losses = { ...result.losses };
    const progress = {
      type: 'progress' as const,
      step,
      totalSteps: budget.totalSteps,
      epoch,
      epochs: config.epochs,
      phase: result.phase,
      losses,
      imagesPerSecond: batch.length / Math.max(1e-6, secondsPerStep),
      etaSeconds: secondsPerStep * (budget.totalSteps - step),
      numTensors: engine.numTensors(),
      backend: s.backendName,
      elapsedSeconds: (Date.now() - started) / 1000,
    };
    await appendMetrics(s.runDir, {
      step,
      epoch,
      phase: result.phase,
      ...losses,
      pairs: result.pairs,
      imagesPerSecond: progress.imagesPerSecond,
      numTensors: progress.numTensors,
      time: new Date().toISOString(),
    });
    io.emit(progress);
    const endOfEpoch = step % s.stepsPerEpoch === 0;
    if (step % config.checkpointEvery === 0 || endOfEpoch) await writeFinite(checkpoints, step, epoch);
    if (config.sampleEvery > 0 && step % config.sampleEvery === 0) await emitSamples(s, cache, sampleRecords, step);
    const iterationSeconds = (performance.now() - iterationStart) / 1000;
    trained += iterationSeconds;
    const plan = budget.observe(iterationSeconds, step, trained);
    if (plan) io.emit({ type: 'log', level: 'info', message: plan });
  }
  // A budget that ran out (or whose plan the loop reached) ends the run as the budget's.
  outOfTime ||= !stopped && budget.limiting && step >= budget.totalSteps;
  if (checkpoints.lastStep !== step && step > s.startStep) await writeFinite(checkpoints, step, Math.floor((step - 1) / s.stepsPerEpoch));
  const reason = stopped ? 'stopped' : outOfTime ? 'time-budget' : config.maxSteps !== null && step === config.maxSteps ? 'max-steps' : 'completed';
  const validation = step > 0 ? await validate(s, cache, step) : null;
  return { step, reason, runDir: s.runDir, validation };
}

/** Images per prediction batch in the validation. */
const VALIDATION_BATCH = 16;

/** The val BCE against the label prior, recorded in the run folder; null without a labelled val split. */
async function validate(s: LoopState, cache: ImageCache, step: number): Promise<Validation | null> {
  const split = validationSplit(s.index, s.config.trainSplit);
  if (split === null) {
    s.io.emit({ type: 'log', level: 'info', message: 'No labelled "val" split: the val BCE against the label prior is not measured.' });
    return null;
  }
  const val = imagesOfSplit(s.index, split).filter((r) => r.labels.length > 0);
  const K = s.numForeground;
  let sum = 0;
  for (let i = 0; i < val.length; i += VALIDATION_BATCH) {
    const batch = val.slice(i, i + VALIDATION_BATCH);
    const probs = await s.engine.predict(await Promise.all(batch.map((r) => cache.get(r)))); // [B*K]
    batch.forEach((r, b) => (sum += imageBce(probs.subarray(b * K, (b + 1) * K), r.labels, K)));
  }
  const validation: Validation = { step, split, images: val.length, bce: sum / val.length, prior: labelPriorBce(s.records, val, K), time: new Date().toISOString() };
  await recordValidation(s.runDir, validation);
  return validation;
}

/** The run's outcome when training blows up: nothing of this step is kept, the last checkpoint stands. */
function diverged(step: number, what: string): TrainerFailure {
  return new TrainerFailure('DIVERGED', `Training diverged at step ${step}: ${what}. No checkpoint of it was written; try a lower --lr.`);
}

/** Write a checkpoint; weights that are no longer finite end the run as diverged instead. */
async function writeFinite(checkpoints: CheckpointWriter, step: number, epoch: number): Promise<void> {
  try {
    await checkpoints.write(step, epoch);
  } catch (error) {
    if (error instanceof NonFiniteTensorError) throw diverged(step, `${error.tensor} holds ${error.value}`);
    throw error;
  }
}

async function emitSamples(s: LoopState, cache: ImageCache, records: ImageRecord[], step: number): Promise<void> {
  for (const record of records) {
    const image = await cache.get(record);
    const rounds = await s.engine.erasureRounds(image, record.labels);
    const sample = await buildSample(step, record.id, image, rounds, s.numForeground);
    if (sample) s.io.emit(sample);
  }
}
