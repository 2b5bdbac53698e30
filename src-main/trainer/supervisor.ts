/**
 * The parent's side of a trainer process. One interface over two process kinds: a Node child
 * process (`child_process.fork`, used by the CLI and tests) and an Electron utilityProcess
 * (electron-launcher.ts, given `utilityProcess` by the app). The supervisor sends typed commands,
 * validates every report, and turns an exit without `finished` into a crash outcome: a trainer
 * that dies (GPU out of memory, kill -9) never takes the parent with it.
 */
import { fork } from 'node:child_process';
import {
  parseTrainerMessage,
  type ParentMessage,
  type StartCommand,
  type TrainerErrorCode,
  type TrainerMessage,
} from '@shared/trainer-protocol';

/** A started trainer process, whatever kind. */
export interface TrainerChannel {
  readonly pid: number | undefined;
  postMessage(message: ParentMessage): void;
  onMessage(listener: (raw: unknown) => void): void;
  onExit(listener: (exit: { code: number | null; signal: string | null }) => void): void;
  /** Hard kill (SIGKILL where the platform has it). */
  kill(): void;
}

export type TrainerLauncher = () => TrainerChannel;

export type TrainerOutcome =
  | { kind: 'finished'; step: number; reason: 'completed' | 'stopped' | 'max-steps'; runDir: string }
  | { kind: 'error'; code: TrainerErrorCode; message: string; step: number | null }
  | { kind: 'crashed'; exitCode: number | null; signal: string | null; message: string };

export interface NodeLaunchOptions {
  /** The trainer entry: out/main/trainer.js, or src-main/trainer/entry.ts with a TS loader. */
  entry: string;
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the child's stdout/stderr go; 'inherit' by default (tfjs prints its backend notes). */
  stdio?: 'inherit' | 'ignore' | 'pipe';
}

export function nodeLauncher(options: NodeLaunchOptions): TrainerLauncher {
  return () => {
    const stdio = options.stdio ?? 'inherit';
    const child = fork(options.entry, [], {
      execArgv: options.execArgv ?? [],
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      // Structured clone, so Uint8Array payloads (sample PNGs) survive as they do over Electron IPC.
      serialization: 'advanced',
      stdio: [stdio, stdio, stdio, 'ipc'],
    });
    return {
      get pid() {
        return child.pid;
      },
      postMessage: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code, signal) => listener({ code, signal })),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}

type Listener = (message: TrainerMessage) => void;

export class TrainerSupervisor {
  private readonly channel: TrainerChannel;
  private readonly listeners = new Set<Listener>();
  private readyResolve: (() => void) | null = null;
  private readonly ready: Promise<void>;
  private lastError: Extract<TrainerMessage, { type: 'error' }> | null = null;
  private finished: Extract<TrainerMessage, { type: 'finished' }> | null = null;
  private exited = false;
  /** Resolves once the process has exited, with how the run ended. Never rejects. */
  readonly outcome: Promise<TrainerOutcome>;

  constructor(launch: TrainerLauncher) {
    this.ready = new Promise((resolve) => (this.readyResolve = resolve));
    this.channel = launch();
    this.channel.onMessage((raw) => this.receive(raw));
    this.outcome = new Promise((resolve) => {
      this.channel.onExit(({ code, signal }) => {
        this.exited = true;
        this.readyResolve?.();
        resolve(this.describeExit(code, signal));
      });
    });
  }

  get pid(): number | undefined {
    return this.channel.pid;
  }

  get running(): boolean {
    return !this.exited;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Wait for the trainer's `ready`, then send `start`. */
  async start(command: Omit<StartCommand, 'type'>): Promise<void> {
    await this.ready;
    if (this.exited) return;
    this.send({ type: 'start', ...command });
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
    if (!this.exited) this.channel.kill();
  }

  private send(message: ParentMessage): void {
    if (this.exited) return;
    try {
      this.channel.postMessage(message);
    } catch {
      // The process is going away; its exit is reported through `outcome`.
    }
  }

  private receive(raw: unknown): void {
    const parsed = parseTrainerMessage(raw);
    if (!parsed.ok) {
      this.emit({ type: 'log', level: 'warning', message: `Ignored a ${parsed.error} from the trainer.` });
      return;
    }
    const message = parsed.value;
    if (message.type === 'ready') this.readyResolve?.();
    if (message.type === 'error') this.lastError = message;
    if (message.type === 'finished') this.finished = message;
    this.emit(message);
  }

  private emit(message: TrainerMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  private describeExit(code: number | null, signal: string | null): TrainerOutcome {
    if (this.finished) {
      const { step, reason, runDir } = this.finished;
      return { kind: 'finished', step, reason, runDir };
    }
    if (this.lastError) {
      const { code: errorCode, message, step } = this.lastError;
      return { kind: 'error', code: errorCode, message, step };
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
    return { kind: 'crashed', exitCode: code, signal, message: `The trainer process ${how} before finishing.` };
  }
}
