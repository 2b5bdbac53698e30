/**
 * Runs one training run for the CLI: in a trainer child process (default; a crash or kill -9 of the
 * trainer leaves the CLI standing and the run resumable), or in this process (`inProcess`).
 * Ctrl-C asks the trainer to stop cleanly (it checkpoints); a second Ctrl-C kills it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TrainConfig } from '@shared/domain/train-config';
import type { StartCommand, StartSegmenterCommand, TrainerMessage } from '@shared/trainer-protocol';
import { checkTrainConfig } from '../engine/settings';
import { readRunRecord } from '../runs/run-store';
import { absoluteWeightRefs, resolveRunWeights } from '../weights/run-weights';
import { WeightsStore } from '../weights/store';
import type { TrainerOutcome } from '../trainer/supervisor';
import { ProgressPrinter, type ProgressWriter } from './train-progress';

export interface TrainRunOptions {
  dataset: string;
  out: string;
  /** Settings of a new run (ignored on resume, where the run's saved config is used). */
  config: TrainConfig;
  resume: boolean;
  /** On resume: a new length for the run (flags given on the command line). */
  resumeLength?: { epochs?: number; maxSteps?: number | null; timeBudget?: number | null };
  inProcess?: boolean;
  /** Where progress goes (stderr by default); null for silence. */
  progress?: ProgressWriter | null;
  /** Every trainer message, e.g. for tests or a UI. */
  onMessage?: (message: TrainerMessage) => void;
  /** Install SIGINT handling (the CLI does; tests don't). */
  handleSignals?: boolean;
  /** Where weights names are looked up (default: $EADER_HOME/weights, as the trainer does). */
  weights?: WeightsStore;
}

export class TrainRunError extends Error {
  constructor(
    readonly outcome: TrainerOutcome,
    message: string,
  ) {
    super(message);
  }
}

/** The command a run starts with; on resume the run's saved config is used, with the new length. */
export async function startCommandFor(options: TrainRunOptions): Promise<StartCommand> {
  const datasetRoot = resolve(options.dataset);
  if (!existsSync(datasetRoot)) throw new Error(`Dataset ${datasetRoot} does not exist (give a dataset folder or a COCO instances .json).`);
  const runDir = resolve(options.out);
  let config = checkTrainConfig(options.config);
  if (!options.resume) {
    // Weight files are named relative to here; the trainer runs elsewhere. Every reference is
    // checked now (found, the right backbone), before a trainer starts or a folder exists.
    config = await absoluteWeightRefs(config);
    await resolveRunWeights(config, options.weights ?? new WeightsStore());
  }
  if (options.resume) {
    const record = await readRunRecord(runDir);
    const length = options.resumeLength ?? {};
    config = checkTrainConfig({
      ...record.config,
      ...(length.epochs !== undefined ? { epochs: length.epochs } : {}),
      ...(length.maxSteps !== undefined ? { maxSteps: length.maxSteps } : {}),
      ...(length.timeBudget !== undefined ? { timeBudget: length.timeBudget } : {}),
    });
  }
  return { type: 'start', config, datasetRoot, runDir, resume: options.resume };
}

export async function runTrain(options: TrainRunOptions): Promise<Extract<TrainerOutcome, { kind: 'finished' }>> {
  const command = await startCommandFor(options);
  return runTrainerCommand(command, options, `eader train --dataset ${command.datasetRoot} --out ${command.runDir} --resume`);
}

/** How a trainer command is run and reported (either kind of run). */
export type TrainerRunOptions = Pick<TrainRunOptions, 'inProcess' | 'progress' | 'onMessage' | 'handleSignals'>;

/** Runs one trainer command (a localizer or a segmenter run) in a child process or in process; a failure names the resume command. */
export async function runTrainerCommand(command: StartCommand | StartSegmenterCommand, options: TrainerRunOptions, resumeHint: string): Promise<Extract<TrainerOutcome, { kind: 'finished' }>> {
  const printer = options.progress === null ? null : new ProgressPrinter(options.progress ?? process.stderr);
  const onMessage = (message: TrainerMessage): void => {
    printer?.handle(message);
    options.onMessage?.(message);
  };
  let outcome: TrainerOutcome;
  try {
    outcome = options.inProcess ? await trainInProcess(command, onMessage, options.handleSignals ?? false) : await trainInChild(command, onMessage, options.handleSignals ?? false);
  } finally {
    printer?.close();
  }
  if (outcome.kind === 'finished') return outcome;
  const hint = `Resume with: ${resumeHint}`;
  // A diverged run would diverge again from its last checkpoint, a locked one is another process's.
  if (outcome.kind === 'error' && (outcome.code === 'DIVERGED' || outcome.code === 'LOCKED')) throw new TrainRunError(outcome, `Training failed [${outcome.code}]: ${outcome.message}`);
  if (outcome.kind === 'error') throw new TrainRunError(outcome, `Training failed [${outcome.code}]: ${outcome.message}\n${hint}`);
  throw new TrainRunError(outcome, `${outcome.message}\n${hint}`);
}

function onInterrupt(stop: () => void, kill: () => void): () => void {
  let count = 0;
  const handler = (): void => {
    count += 1;
    if (count === 1) {
      process.stderr.write('\nStopping after this step (a checkpoint is written). Ctrl-C again to kill the trainer.\n');
      stop();
    } else kill();
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

async function trainInChild(command: StartCommand | StartSegmenterCommand, onMessage: (m: TrainerMessage) => void, handleSignals: boolean): Promise<TrainerOutcome> {
  const { TrainerSupervisor } = await import('../trainer/supervisor');
  const { defaultTrainerLauncher } = await import('../trainer/launch');
  const supervisor = new TrainerSupervisor(defaultTrainerLauncher());
  supervisor.on(onMessage);
  const detach = handleSignals ? onInterrupt(() => supervisor.stop(), () => supervisor.kill()) : () => undefined;
  try {
    const { type, ...rest } = command;
    if (type === 'start') await supervisor.start(rest as Omit<StartCommand, 'type'>);
    else await supervisor.startSegmenter(rest as Omit<StartSegmenterCommand, 'type'>);
    return await supervisor.outcome;
  } finally {
    detach();
  }
}

async function trainInProcess(command: StartCommand | StartSegmenterCommand, onMessage: (m: TrainerMessage) => void, handleSignals: boolean): Promise<TrainerOutcome> {
  const { runTraining } = await import('../trainer/loop');
  const { createEngine } = await import('../trainer/engine-adapter');
  const { RunControl } = await import('../trainer/run-control');
  const { classifyError } = await import('../trainer/session');
  const control = new RunControl();
  const detach = handleSignals ? onInterrupt(() => control.stop(), () => process.exit(130)) : () => undefined;
  let lastStep: number | null = null;
  try {
    const io = {
      emit: (m: TrainerMessage) => {
        if (m.type === 'progress') lastStep = m.step;
        onMessage(m);
      },
      control,
    };
    let result;
    if (command.type === 'start') result = await runTraining(command, io, createEngine);
    else {
      const { runSegmenterTraining } = await import('../trainer/segmenter-loop');
      const { createSegmenterEngine } = await import('../trainer/segmenter-engine');
      result = await runSegmenterTraining(command, io, createSegmenterEngine);
    }
    onMessage({ type: 'finished', ...result });
    return { kind: 'finished', ...result };
  } catch (error) {
    const { code, message } = classifyError(error);
    onMessage({ type: 'error', code, message, step: lastStep });
    return { kind: 'error', code, message, step: lastStep };
  } finally {
    detach();
  }
}
