/**
 * Training control for the workbench: starts a run on the open dataset in a trainer process
 * (TrainerSupervisor; the launcher is injectable: a Node child process by default, an Electron
 * utilityProcess in the app, a scripted fake in tests), relays its reports as typed events, keeps
 * the live run's state for re-attaching renderers, and manages the run history. No electron here.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, asApiError, errorText } from '@shared/envelope';
import type { EventName, EventPayload } from '@shared/events';
import { DatasetFormat } from '@shared/domain/dataset';
import type { TrainConfig } from '@shared/domain/train-config';
import type { PresetId } from '@shared/domain/train-presets';
import type { SegmenterConfig } from '@shared/domain/segmenter-config';
import type { StartSegmenterCommand, TrainerMessage } from '@shared/trainer-protocol';
import { SeriesBuffer, type TrainingPreset, type RunDetail, type RunSummary, type TrainingState, type TrainingStatus } from '@shared/domain/training-view';
import { readAnyRunRecord, runPaths } from '../runs/run-store';
import { labelPaths } from '../runs/segmenter-labels';
import { defaultTrainerLauncher } from '../trainer/launch';
import { TrainerSupervisor, type TrainerLauncher, type TrainerOutcome } from '../trainer/supervisor';
import { deleteRun, findRunRoot, listRunsIn, openRun, readOutcome, runDirOf, writeOutcome } from '../runs/run-history';
import { idleState, LiveRun, outcomeOf, type LiveRunInit } from './training-live';
import { trainingPresets } from './training-presets';
import { newRunId } from '../runs/run-roots';
import { refuseIfRunLocked } from '../runs/run-lock';
import { refuseInsideDataset } from '../fs/output-guard';
import { absoluteWeightRefs, resolveRunWeights } from '../weights/run-weights';
import { WeightsStore } from '../weights/store';

export interface TrainingEventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export interface TrainingControlOptions {
  /**
   * The open dataset (throws ApiError CONFLICT when none is open): its root, where it was opened
   * from (a COCO instances file, say; default the root) and its format, which the trainer reopens.
   */
  dataset: () => { root: string; path?: string; format?: DatasetFormat; classes: string[] };
  /** Run folders, new-run folder first (the project's runs/, then $EADER_HOME/runs). */
  runsRoots: () => string[];
  events: TrainingEventSink;
  /** Makes the launcher of one run. Default: a Node child process (launch.ts); Electron may pass a utilityProcess one. */
  launcher?: () => TrainerLauncher;
  /** Progress points are batched into one event per this many ms. */
  flushMs?: number;
  roundsKept?: number;
  maxPoints?: number;
  log?: (line: string) => void;
  /** Where weights names are looked up (default: $EADER_HOME/weights, as the trainer does). */
  weights?: WeightsStore;
}

export type ControlAction = 'pause' | 'resume' | 'stop';

export class TrainingControl {
  private live: LiveRun | null = null;
  private supervisor: TrainerSupervisor | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly endedListeners = new Set<(state: TrainingState) => void>();
  private trainedBefore = 0;

  private readonly weights: WeightsStore;

  constructor(private readonly options: TrainingControlOptions) {
    this.weights = options.weights ?? new WeightsStore();
  }

  /** The presets, applied against the weights store as it is now (a preset that prefers ImageNet weights takes them when stored). */
  async presets(): Promise<{ presets: TrainingPreset[] }> {
    return { presets: trainingPresets((await this.weights.list()).entries) };
  }

  /** The runs folder that holds `runId`. */
  private root(runId: string): string {
    return findRunRoot(this.options.runsRoots(), runId);
  }

  /** Is a run in a trainer process now (starting, running, paused or stopping)? */
  get active(): boolean {
    return this.live !== null && !this.live.ended;
  }

  /** Called once per run when it ends (finished, failed, crashed): the app shows a notification. */
  onEnded(listener: (state: TrainingState) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  async start(input: { config: TrainConfig; preset?: PresetId | null }): Promise<TrainingState> {
    this.refuseIfActive();
    const dataset = this.options.dataset();
    // The trainer checks the weights again (and records them); checking here answers at once.
    const config = await absoluteWeightRefs(input.config);
    await asApiError('INVALID_INPUT', () => resolveRunWeights(config, this.weights));
    const { runId, runDir } = await this.newRunDir(input.preset ?? 'custom');
    this.trainedBefore = 0;
    const command = { config, datasetRoot: dataset.path ?? dataset.root, ...(dataset.format ? { datasetFormat: dataset.format } : {}), runDir, resume: false };
    return this.launch(
      { kind: 'localizer', runId, runDir, preset: input.preset ?? null, config, datasetRoot: dataset.root, classes: dataset.classes, resumed: false },
      (supervisor) => supervisor.start(command),
    );
  }

  /** Train a segmenter run on the open dataset from prepared label folders (the rounds service makes them). */
  async startSegmenter(input: { config: SegmenterConfig; labels: StartSegmenterCommand['labels']; initFrom?: string | null; name?: string }): Promise<TrainingState> {
    this.refuseIfActive();
    const dataset = this.options.dataset();
    const { runId, runDir } = await this.newRunDir(input.name ?? 'segmenter');
    this.trainedBefore = 0;
    const command = { config: input.config, datasetRoot: dataset.path ?? dataset.root, ...(dataset.format ? { datasetFormat: dataset.format } : {}), runDir, resume: false, labels: input.labels, initFrom: input.initFrom ?? null };
    return this.launch(
      { kind: 'segmenter', runId, runDir, preset: null, config: input.config, datasetRoot: dataset.root, classes: dataset.classes, resumed: false },
      (supervisor) => supervisor.startSegmenter(command),
    );
  }

  /** The runs folder new runs go to. */
  runsRoot(): string {
    return this.options.runsRoots()[0]!;
  }

  private async newRunDir(name: string): Promise<{ runId: string; runDir: string }> {
    const root = this.options.runsRoots()[0]!;
    await mkdir(root, { recursive: true });
    const runId = newRunId(name);
    const runDir = join(root, runId);
    await refuseInsideDataset(runDir, this.options.dataset().root, 'The run folder');
    return { runId, runDir };
  }

  /** Continue a run (either kind) from its newest complete checkpoint (after a crash, an error or a stop). */
  async resumeRun(runId: string): Promise<TrainingState> {
    this.refuseIfActive();
    await this.settled(runId);
    const runDir = runDirOf(this.root(runId), runId);
    const record = await asApiError('NOT_FOUND', () => readAnyRunRecord(runDir));
    const datasetPath = record.dataset.path ?? record.dataset.root;
    if (!existsSync(datasetPath)) throw new ApiError('NOT_FOUND', `The run's dataset ${datasetPath} is gone.`);
    const format = DatasetFormat.safeParse(record.dataset.format);
    await refuseIfRunLocked(runDir, 'resume');
    this.trainedBefore = (await readOutcome(runDir))?.trainedSeconds ?? 0;
    const base = { datasetRoot: datasetPath, ...(format.success ? { datasetFormat: format.data } : {}), runDir, resume: true };
    const init = { runId, runDir, preset: null, datasetRoot: record.dataset.root, classes: record.dataset.classes, resumed: true };
    if (record.kind === 'segmenter') {
      const paths = labelPaths(runPaths(runDir).dir);
      const labels = { pseudoDir: paths.pseudo, trustedDir: paths.trusted, localizerRunId: record.labels.pseudo.localizerRunId, heldOut: record.labels.heldOut, round: record.labels.round };
      return this.launch({ ...init, kind: 'segmenter', config: record.config }, (supervisor) => supervisor.startSegmenter({ ...base, config: record.config, labels }));
    }
    return this.launch({ ...init, kind: 'localizer', config: record.config }, (supervisor) => supervisor.start({ ...base, config: record.config }));
  }

  control(action: ControlAction): TrainingState {
    const live = this.live;
    const supervisor = this.supervisor;
    if (!live || live.ended || !supervisor) throw new ApiError('CONFLICT', 'No run is training now.');
    const s = live.state;
    // The request is recorded first: the trainer's answer may arrive within the send.
    if (action === 'pause' && s.status !== 'paused') {
      s.requested = 'pause';
      supervisor.pause();
    } else if (action === 'resume') {
      if (s.requested === 'pause') s.requested = null;
      supervisor.resume();
    } else if (action === 'stop') {
      // A second stop while the first is pending kills the trainer (its last checkpoint stands).
      const again = s.requested === 'stop';
      s.requested = 'stop';
      if (again) supervisor.kill();
      else supervisor.stop();
    }
    this.emitState();
    return { ...s };
  }

  status(): TrainingStatus {
    if (this.live) return this.live.snapshot();
    return { state: idleState(), series: new SeriesBuffer(8).toChunk(), samples: [], compactions: 0 };
  }

  async runs(): Promise<RunSummary[]> {
    return listRunsIn(this.options.runsRoots(), this.liveRunId());
  }

  async run(runId: string): Promise<RunDetail> {
    return openRun(this.root(runId), runId, this.liveRunId());
  }

  async deleteRun(runId: string): Promise<{ deleted: string }> {
    // The run may have just ended, with its outcome file being written: let that land first.
    await this.settled(runId);
    // Another process (a second host, `eader train`) may be training it: its lock says so.
    if (runId !== this.liveRunId()) await refuseIfRunLocked(runDirOf(this.root(runId), runId), 'delete');
    await deleteRun(this.root(runId), runId, this.liveRunId());
    return { deleted: runId };
  }

  /** Ask the trainer to stop and wait for it (kill after `graceMs`); for app shutdown and tests. */
  async shutdown(graceMs = 10_000): Promise<void> {
    const supervisor = this.supervisor;
    if (!supervisor) return;
    supervisor.stop();
    const timer = setTimeout(() => supervisor.kill(), graceMs);
    await supervisor.outcome;
    clearTimeout(timer);
  }

  private liveRunId(): string | null {
    return this.active ? (this.live?.state.runId ?? null) : null;
  }

  private refuseIfActive(): void {
    if (this.active) throw new ApiError('CONFLICT', `Run ${this.live?.state.runId ?? ''} is still training: stop it first.`);
  }

  private launch(init: LiveRunInit, begin: (supervisor: TrainerSupervisor) => Promise<void>): TrainingState {
    const live = new LiveRun(init, this.options.roundsKept, this.options.maxPoints);
    this.live = live;
    let supervisor: TrainerSupervisor;
    try {
      const launcher = (this.options.launcher ?? (() => defaultTrainerLauncher(process.env)))();
      supervisor = new TrainerSupervisor(launcher);
    } catch (error) {
      const message = errorText(error);
      this.options.log?.(`trainer launch failed: ${message}`);
      void this.finish(live, { kind: 'error', code: 'INTERNAL', message, step: null }, true);
      return { ...live.state };
    }
    this.supervisor = supervisor;
    supervisor.on((message) => this.receive(live, message));
    void supervisor.outcome.then((outcome) => this.finish(live, outcome, live.state.pid === null));
    begin(supervisor).catch((error: unknown) => {
      live.note(`start failed: ${errorText(error)}`);
      supervisor.kill();
    });
    this.emitState();
    return { ...live.state };
  }

  private receive(live: LiveRun, message: TrainerMessage): void {
    if (live !== this.live) return;
    const applied = live.apply(message);
    if (applied.progress) this.scheduleFlush();
    if (applied.sample) {
      this.flush();
      this.options.events.emit('training:sample', applied.sample);
    }
    if (applied.state) this.emitState();
  }

  /** A run's last writes (outcome.json) still in flight; deleting or resuming it waits for them. */
  private readonly finishing = new Map<string, Promise<void>>();

  private finish(live: LiveRun, outcome: TrainerOutcome, beforeReady: boolean): Promise<void> {
    const runId = live.state.runId;
    const done = this.finishRun(live, outcome, beforeReady);
    if (runId) {
      this.finishing.set(runId, done);
      void done.finally(() => {
        if (this.finishing.get(runId) === done) this.finishing.delete(runId);
      });
    }
    return done;
  }

  private async settled(runId: string): Promise<void> {
    await this.finishing.get(runId)?.catch(() => undefined);
  }

  private async finishRun(live: LiveRun, outcome: TrainerOutcome, beforeReady: boolean): Promise<void> {
    if (this.live === live) this.flush();
    let ended = outcomeOf(outcome);
    if (beforeReady && ended.kind !== 'finished') {
      ended = { kind: 'error', code: 'LAUNCH', message: `The trainer process could not start: ${ended.message}`, step: null };
    }
    live.end(ended);
    const runDir = live.state.runDir;
    const isRun = runDir !== null && existsSync(runPaths(runDir).config);
    live.state.resumable = live.state.resumable && isRun;
    if (isRun) {
      try {
        await writeOutcome(runDir, {
          outcome: ended,
          endedAt: live.state.endedAt ?? new Date().toISOString(),
          totalSteps: live.state.totalSteps,
          trainedSeconds: this.trainedBefore + live.state.elapsedSeconds,
        });
      } catch (error) {
        live.note(`Could not write the run's outcome file: ${errorText(error)}`);
      }
    }
    if (this.live !== live) return;
    this.supervisor = null;
    this.emitState();
    for (const listener of this.endedListeners) {
      try {
        listener({ ...live.state });
      } catch {
        // a listener's failure never reaches the trainer's bookkeeping
      }
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.options.flushMs ?? 100);
    this.flushTimer.unref?.();
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const event = this.live?.takePending();
    if (event) this.options.events.emit('training:progress', event);
  }

  private emitState(): void {
    if (!this.live) return;
    this.flush();
    this.options.events.emit('training:state', { ...this.live.state });
  }
}
