/**
 * The state of one live run, folded from the trainer's messages: the status, every progress point
 * (a SeriesBuffer, min/max-compacted past 20k rows), and the last N erasure rounds per sample image.
 * It is what `training:status` returns, so a reloaded renderer re-attaches with nothing lost.
 */
import type { SegmenterConfig } from '@shared/domain/segmenter-config';
import type { TrainConfig } from '@shared/domain/train-config';
import type { PresetId } from '@shared/domain/train-presets';
import type { TrainerMessage } from '@shared/trainer-protocol';
import {
  lossColumns,
  MAX_SERIES_POINTS,
  phaseColumn,
  SeriesBuffer,
  SERIES_COLUMNS,
  type SeriesChunk,
  type SeriesRow,
  type TrainingOutcome,
  type TrainingProgressEvent,
  type TrainingSample,
  type TrainingState,
  type TrainingStatus,
} from '@shared/domain/training-view';
import type { TrainerOutcome } from '../trainer/supervisor';

export type LiveRunInit = {
  runId: string;
  runDir: string;
  preset: PresetId | null;
  datasetRoot: string;
  classes: string[];
  resumed: boolean;
} & ({ kind: 'localizer'; config: TrainConfig } | { kind: 'segmenter'; config: SegmenterConfig });

export const ROUNDS_KEPT = 24;
const NOTES_KEPT = 8;

export function idleState(): TrainingState {
  return {
    status: 'idle',
    kind: 'localizer',
    runId: null,
    runDir: null,
    preset: null,
    config: null,
    segmenterConfig: null,
    datasetRoot: null,
    classes: [],
    backend: null,
    pid: null,
    resumed: false,
    startStep: 0,
    step: 0,
    totalSteps: null,
    epoch: 0,
    epochs: null,
    phase: null,
    imagesPerSecond: null,
    etaSeconds: null,
    elapsedSeconds: 0,
    trainImages: null,
    lastCheckpoint: null,
    requested: null,
    outcome: null,
    resumable: false,
    startedAt: null,
    endedAt: null,
    notes: [],
  };
}

/** What applying one trainer message changed. */
export interface Applied {
  state: boolean;
  sample: TrainingSample | null;
  progress: boolean;
}

export class LiveRun {
  readonly series: SeriesBuffer;
  state: TrainingState;
  private pending: SeriesRow[] = [];
  private numTensors = 0;
  /** Rounds per sample image, oldest first, at most `roundsKept` each. */
  private readonly rounds = new Map<string, TrainingSample[]>();

  constructor(
    init: LiveRunInit,
    readonly roundsKept = ROUNDS_KEPT,
    maxPoints = MAX_SERIES_POINTS,
  ) {
    this.series = new SeriesBuffer(maxPoints);
    this.state = {
      ...idleState(),
      status: 'starting',
      kind: init.kind,
      runId: init.runId,
      runDir: init.runDir,
      preset: init.preset,
      config: init.kind === 'localizer' ? init.config : null,
      segmenterConfig: init.kind === 'segmenter' ? init.config : null,
      datasetRoot: init.datasetRoot,
      classes: init.classes,
      resumed: init.resumed,
      epochs: init.config.epochs,
      startedAt: new Date().toISOString(),
    };
  }

  get ended(): boolean {
    return this.state.status === 'finished' || this.state.status === 'failed';
  }

  apply(message: TrainerMessage): Applied {
    const s = this.state;
    const none: Applied = { state: false, sample: null, progress: false };
    switch (message.type) {
      case 'ready':
        s.pid = message.pid;
        return { ...none, state: true };
      case 'started':
        Object.assign(s, {
          status: 'running',
          backend: message.backend,
          startStep: message.startStep,
          step: message.startStep,
          totalSteps: message.totalSteps,
          trainImages: message.trainImages,
        });
        if (message.resumedFrom) this.note(`Resumed at step ${message.startStep} from ${message.resumedFrom}`);
        return { ...none, state: true };
      case 'progress': {
        const row: SeriesRow = {
          step: message.step,
          phase: phaseColumn(message.phase),
          ...lossColumns(message.losses),
          imagesPerSecond: message.imagesPerSecond,
        };
        this.series.push(row);
        this.pending.push(row);
        this.numTensors = message.numTensors;
        Object.assign(s, {
          step: message.step,
          totalSteps: message.totalSteps,
          epoch: message.epoch,
          epochs: message.epochs,
          phase: message.phase,
          imagesPerSecond: message.imagesPerSecond,
          etaSeconds: message.etaSeconds,
          elapsedSeconds: message.elapsedSeconds,
          backend: s.backend ?? message.backend,
        });
        return { ...none, progress: true };
      }
      case 'sample': {
        const sample: TrainingSample = {
          runId: s.runId ?? '',
          step: message.step,
          imageId: message.imageId,
          image: message.image,
          cams: message.cams,
          softMask: message.softMask,
          erased: message.erased,
          adversaryProbs: message.adversaryProbs,
        };
        const list = this.rounds.get(message.imageId) ?? [];
        list.push(sample);
        if (list.length > this.roundsKept) list.splice(0, list.length - this.roundsKept);
        this.rounds.set(message.imageId, list);
        return { ...none, sample };
      }
      case 'checkpoint':
        s.lastCheckpoint = { step: message.step, path: message.path };
        return { ...none, state: true };
      case 'state':
        s.status = message.state;
        if (message.state === 'paused' && s.requested === 'pause') s.requested = null;
        if (message.state === 'running' && s.requested === 'pause') s.requested = null;
        return { ...none, state: true };
      case 'finished':
        s.step = message.step;
        return none;
      case 'log':
        this.note(`${message.level}: ${message.message}`);
        return { ...none, state: true };
      case 'error':
        this.note(`error [${message.code}]: ${message.message}`);
        return { ...none, state: true };
    }
  }

  /** The points since the last call, as one `training:progress` event (null when none). */
  takePending(): TrainingProgressEvent | null {
    if (this.pending.length === 0 || !this.state.runId) return null;
    const rows = this.pending;
    this.pending = [];
    const points = Object.fromEntries(SERIES_COLUMNS.map((c) => [c, rows.map((r) => (Number.isFinite(r[c]) ? r[c] : null))])) as SeriesChunk;
    const s = this.state;
    return {
      runId: s.runId ?? '',
      points,
      progress: {
        step: s.step,
        totalSteps: s.totalSteps,
        epoch: s.epoch,
        epochs: s.epochs,
        phase: s.phase,
        imagesPerSecond: s.imagesPerSecond,
        etaSeconds: s.etaSeconds,
        elapsedSeconds: s.elapsedSeconds,
      },
      numTensors: this.numTensors,
    };
  }

  /** The process is gone: record how the run ended. */
  end(outcome: TrainingOutcome): void {
    const s = this.state;
    s.outcome = outcome;
    s.status = outcome.kind === 'finished' ? 'finished' : 'failed';
    s.requested = null;
    s.etaSeconds = null;
    s.endedAt = new Date().toISOString();
    if (outcome.kind === 'finished') s.step = Math.max(s.step, outcome.step);
    // A failed launch never created the run; anything else can continue from its newest checkpoint.
    // A diverged run would diverge again with its saved settings; a locked one belongs to another process.
    s.resumable = outcome.kind === 'crashed' || (outcome.kind === 'error' && !['LAUNCH', 'BAD_CONFIG', 'DIVERGED', 'LOCKED'].includes(outcome.code));
  }

  note(line: string): void {
    this.state.notes = [...this.state.notes, line].slice(-NOTES_KEPT);
  }

  samples(): TrainingSample[] {
    return [...this.rounds.values()].flat().sort((a, b) => a.step - b.step || (a.imageId < b.imageId ? -1 : 1));
  }

  snapshot(): TrainingStatus {
    return { state: { ...this.state }, series: this.series.toChunk(), samples: this.samples(), compactions: this.series.compactions };
  }
}

export function outcomeOf(outcome: TrainerOutcome): TrainingOutcome {
  switch (outcome.kind) {
    case 'finished':
      return { kind: 'finished', reason: outcome.reason, step: outcome.step, validation: outcome.validation };
    case 'error':
      return { kind: 'error', code: outcome.code, message: outcome.message, step: outcome.step };
    case 'crashed':
      return { kind: 'crashed', message: outcome.message, exitCode: outcome.exitCode, signal: outcome.signal };
  }
}
