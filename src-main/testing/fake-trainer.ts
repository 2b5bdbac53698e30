/**
 * A scripted stand-in for a trainer process, for tests of TrainingControl: it speaks the real
 * protocol (ready, started, progress, sample, state, finished) and writes a real run folder
 * (config.json, metrics.jsonl) through the run store, but trains nothing.
 */
import { ParentMessage, TrainerMessage, type StartCommand } from '@shared/trainer-protocol';
import { connectChild, type ChildExit, type ChildTransport } from '../processes/channel';
import { PROCESS_ENTRIES } from '../processes/entries';
import { appendMetrics, createRun } from '../runs/run-store';
import type { TrainerLauncher } from '../trainer/supervisor';

type ExitReport = Omit<ChildExit, 'killed'>;

/** A transport, so the supervisor sees it through the real, validating channel (launcher()). */
export class FakeTrainer implements ChildTransport {
  readonly pid = 4242;
  readonly received: ParentMessage[] = [];
  command: StartCommand | null = null;
  step = 0;
  exited = false;
  private readonly messageListeners: ((raw: unknown) => void)[] = [];
  private readonly exitListeners: ((exit: ExitReport) => void)[] = [];
  private startedResolve: (() => void) | null = null;
  /** Resolves once `start` arrived and `started` was sent. */
  readonly started = new Promise<void>((resolve) => (this.startedResolve = resolve));

  constructor(
    private readonly options: { ready?: boolean; totalSteps?: number; classes?: string[] } = {},
  ) {}

  post(raw: unknown): void {
    const message = ParentMessage.parse(raw); // the channel validated it already
    this.received.push(message);
    // A real process answers later, never within the send.
    setImmediate(() => void this.react(message));
  }

  onMessage(listener: (raw: unknown) => void): void {
    this.messageListeners.push(listener);
    if (this.options.ready !== false && this.messageListeners.length === 1) {
      setImmediate(() => this.send({ type: 'ready', protocol: 1, pid: this.pid }));
    }
  }

  onExit(listener: (exit: ExitReport) => void): void {
    this.exitListeners.push(listener);
  }

  kill(): void {
    this.exit(null, 'SIGKILL');
  }

  /** Report to the parent, as the trainer would (a malformed report is the channel's to refuse). */
  send(message: TrainerMessage | Record<string, unknown>): void {
    if (this.exited) return;
    for (const listener of this.messageListeners) listener(message);
  }

  exit(code: number | null, signal: string | null = null): void {
    if (this.exited) return;
    this.exited = true;
    for (const listener of this.exitListeners) listener({ code, signal, error: null });
  }

  /** `count` training steps: a metrics row each (as the loop writes them) and a progress report. */
  async progress(count: number): Promise<void> {
    const command = this.command;
    if (!command) throw new Error('not started');
    for (let i = 0; i < count; i++) {
      this.step += 1;
      const { locSteps, advSteps } = command.config;
      const phase = (this.step - 1) % (locSteps + advSteps) < locSteps ? 'localizer' : 'adversary';
      const losses = { bce: 1 / this.step, reg: 1e-6, adv: 0.01, advBce: 0.5 + 0.01 * this.step, total: 1 };
      await appendMetrics(command.runDir, { step: this.step, epoch: 0, phase, ...losses, pairs: 4, imagesPerSecond: 10, numTensors: 7, time: new Date(Date.now() + this.step * 1000).toISOString() });
      this.send({
        type: 'progress',
        step: this.step,
        totalSteps: this.options.totalSteps ?? 100,
        epoch: 0,
        epochs: command.config.epochs,
        phase,
        losses,
        imagesPerSecond: 10,
        etaSeconds: 5,
        numTensors: 7,
        backend: 'fake',
        elapsedSeconds: this.step * 0.1,
      });
    }
  }

  sample(imageId: string): void {
    const png = new Uint8Array([137, 80, 78, 71, this.step & 255]);
    this.send({ type: 'sample', step: this.step, imageId, image: png, cams: [{ classIndex: 1, png }], softMask: png, erased: png, adversaryProbs: [0.25, 0] });
  }

  private async react(message: ParentMessage): Promise<void> {
    switch (message.type) {
      case 'start': {
        this.command = message;
        if (!message.resume) {
          await createRun(message.runDir, {
            config: message.config,
            backend: 'fake',
            dataset: { root: message.datasetRoot, path: message.datasetRoot, format: message.datasetFormat ?? 'voc', classes: this.options.classes ?? ['background', 'a', 'b'], trainImages: 10 },
            versions: {},
          });
        }
        this.send({ type: 'started', runDir: message.runDir, backend: 'fake (cpu)', startStep: this.step, totalSteps: this.options.totalSteps ?? 100, trainImages: 10, resumedFrom: message.resume ? 'step-x' : null });
        this.startedResolve?.();
        return;
      }
      case 'pause':
        this.send({ type: 'state', state: 'paused' });
        return;
      case 'resume':
        this.send({ type: 'state', state: 'running' });
        return;
      case 'stop':
        this.send({ type: 'state', state: 'stopping' });
        this.send({ type: 'finished', step: this.step, reason: 'stopped', runDir: this.command?.runDir ?? '', validation: null });
        this.exit(0);
        return;
    }
  }
}

/** A fake behind the toolkit's validating channel, with the trainer protocol's schemas. */
export function fakeTrainerChannel(trainer: FakeTrainer): ReturnType<TrainerLauncher> {
  return connectChild(PROCESS_ENTRIES.trainer.title, trainer, { toChild: ParentMessage, fromChild: TrainerMessage });
}

/** A launcher factory that hands out the given fakes in order (and records them). */
export function fakeLaunchers(make: () => FakeTrainer): { launcher: () => TrainerLauncher; trainers: FakeTrainer[] } {
  const trainers: FakeTrainer[] = [];
  return {
    trainers,
    launcher: () => () => {
      const trainer = make();
      trainers.push(trainer);
      return fakeTrainerChannel(trainer);
    },
  };
}
