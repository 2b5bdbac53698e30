/**
 * The parent's side of a trainer process: a thin client of the process toolkit's typed channel
 * (src-main/processes), whatever the process kind (a Node child process for the CLI and tests, an
 * Electron utilityProcess in the app, a scripted fake). The supervisor sends typed commands, gets
 * only validated reports (a malformed one becomes a warning), and turns an exit without `finished`
 * into an outcome: a trainer that dies (GPU out of memory, kill -9) never takes the parent with it.
 */
import type { ParentMessage, StartCommand, StartSegmenterCommand, TrainerErrorCode, TrainerMessage } from '@shared/trainer-protocol';
import type { FinishReason, Validation } from '@shared/domain/validation';
import { describeExit, type ChildChannel, type ChildExit } from '../processes/channel';
import { ProtocolError } from '../processes/protocol-error';

/** A started trainer process, whatever kind: the toolkit's channel for the trainer protocol. */
export type TrainerChannel = ChildChannel<ParentMessage, TrainerMessage>;

export type TrainerLauncher = () => TrainerChannel;

export type TrainerOutcome =
  | { kind: 'finished'; step: number; reason: FinishReason; runDir: string; validation: Validation | null }
  | { kind: 'error'; code: TrainerErrorCode; message: string; step: number | null }
  | { kind: 'crashed'; exitCode: number | null; signal: string | null; message: string };

type Listener = (message: TrainerMessage) => void;

export class TrainerSupervisor {
  private readonly channel: TrainerChannel;
  private readonly listeners = new Set<Listener>();
  private readyResolve: (() => void) | null = null;
  private readonly ready: Promise<void>;
  private lastError: Extract<TrainerMessage, { type: 'error' }> | null = null;
  private finished: Extract<TrainerMessage, { type: 'finished' }> | null = null;
  /** Resolves once the process has exited, with how the run ended. Never rejects. */
  readonly outcome: Promise<TrainerOutcome>;

  constructor(launch: TrainerLauncher) {
    this.ready = new Promise((resolve) => (this.readyResolve = resolve));
    this.channel = launch();
    this.channel.on((message) => this.receive(message));
    this.channel.onRejected((error) => this.emit({ type: 'log', level: 'warning', message: error.message }));
    this.outcome = this.channel.exit.then((exit) => {
      this.readyResolve?.();
      return this.describeExit(exit);
    });
  }

  get pid(): number | undefined {
    return this.channel.pid;
  }

  get running(): boolean {
    return !this.channel.exited;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Wait for the trainer's `ready`, then send `start`. A command the protocol refuses (a bad
   * config) is never sent: the trainer is killed, the outcome is a PROTOCOL error, and this rejects.
   */
  async start(command: Omit<StartCommand, 'type'>): Promise<void> {
    await this.sendStart({ type: 'start', ...command });
  }

  /** The same for a segmenter run (`start-segmenter`). */
  async startSegmenter(command: Omit<StartSegmenterCommand, 'type'>): Promise<void> {
    await this.sendStart({ type: 'start-segmenter', ...command });
  }

  private async sendStart(message: StartCommand | StartSegmenterCommand): Promise<void> {
    await this.ready;
    if (this.channel.exited) return;
    try {
      this.channel.send(message);
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.lastError = { type: 'error', code: 'PROTOCOL', message: error.message, step: null };
        this.channel.kill();
      }
      throw error;
    }
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  /** Ask for a clean stop: the trainer checkpoints, reports `finished` and exits. */
  stop(): void {
    this.send({ type: 'stop' });
  }

  /** Kill the process now (SIGKILL); the outcome becomes `crashed` unless it had finished. */
  kill(): void {
    this.channel.kill();
  }

  private send(message: ParentMessage): void {
    try {
      this.channel.send(message);
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      // The process is going away; its exit is reported through `outcome`.
    }
  }

  private receive(message: TrainerMessage): void {
    if (message.type === 'ready') this.readyResolve?.();
    if (message.type === 'error') this.lastError = message;
    if (message.type === 'finished') this.finished = message;
    this.emit(message);
  }

  private emit(message: TrainerMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  private describeExit(exit: ChildExit): TrainerOutcome {
    if (this.finished) {
      const { step, reason, runDir, validation } = this.finished;
      return { kind: 'finished', step, reason, runDir, validation };
    }
    if (this.lastError) {
      const { code: errorCode, message, step } = this.lastError;
      return { kind: 'error', code: errorCode, message, step };
    }
    return { kind: 'crashed', exitCode: exit.code, signal: exit.signal, message: `${describeExit(this.channel.title, exit)} before finishing.` };
  }
}
