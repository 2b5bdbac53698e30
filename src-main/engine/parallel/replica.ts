/**
 * The master's handle on one worker replica: a thin client of the process toolkit's typed channel
 * (the `train-worker` entry as a worker thread, src-shared/protocols/replica.ts both ways). It
 * sends requests and matches the answers by id. A worker that dies (error, exit) or answers
 * off-protocol fails every pending and later request with a clear error; data-parallel.ts then
 * falls back to one thread.
 */
import { FromReplica, ToReplica } from '@shared/protocols/replica';
import { describeExit, type ChildChannel } from '../../processes/channel';
import { spawnChild } from '../../processes/spawn';
import type { EaderConfig } from '../settings';
import type { LossScale } from '../train-step';
import type { EngineState, GradientResult, Phase, PlainGradients } from '../types';
import { gradientBuffers } from './buffers';

type Request = ToReplica extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

export type ReplicaChannel = ChildChannel<ToReplica, FromReplica>;

/** The train worker thread: out/main/train-worker.js from the build, the source through tsx from the sources; EADER_TRAIN_WORKER_ENTRY overrides it. */
export function startReplicaThread(env: NodeJS.ProcessEnv = process.env): ReplicaChannel {
  return spawnChild({ entry: 'train-worker', kind: 'thread', toChild: ToReplica, fromChild: FromReplica, env });
}

export class WorkerReplica {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: FromReplica) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  backend = '';

  private constructor(private readonly channel: ReplicaChannel) {
    channel.on((msg) => {
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.type === 'error') waiter.reject(new Error(`train worker: ${msg.message}`));
      else waiter.resolve(msg);
    });
    // An answer off-protocol cannot be matched or trusted: the replica is done.
    channel.onRejected((error) => this.fail(error));
    void channel.exit.then((exit) => this.fail(new Error(describeExit(channel.title, exit))));
  }

  /** Start a worker replica with the master's config and state. */
  static async start(config: EaderConfig, state: EngineState, env: NodeJS.ProcessEnv = process.env): Promise<WorkerReplica> {
    const replica = new WorkerReplica(startReplicaThread(env));
    try {
      const ready = await replica.request({ type: 'init', config, state });
      if (ready.type === 'ready') replica.backend = ready.backend;
    } catch (error) {
      await replica.terminate();
      throw error;
    }
    return replica;
  }

  /** Why this replica is unusable, or null while it works. */
  get error(): Error | null {
    return this.failure;
  }

  computeGradients(step: number, images: Float32Array, imageShape: [number, number, number, number], labels: Float32Array, scale: LossScale): Promise<GradientResult> {
    return this.request({ type: 'grads', step, images, imageShape, labels, scale }, [images.buffer as ArrayBuffer, labels.buffer as ArrayBuffer]).then((m) => {
      if (m.type !== 'grads') throw new Error(`train worker answered ${m.type} to grads`);
      return m.result;
    });
  }

  /** Apply summed gradients at `lr` (their buffers move to the worker unless `transfer` is false); resolves to the checksum if asked. */
  apply(phase: Phase, grads: PlainGradients | null, lr: number, checksum: boolean, transfer = true): Promise<number | null> {
    return this.request({ type: 'apply', phase, grads, lr, checksum }, transfer ? gradientBuffers(grads) : []).then((m) => (m.type === 'applied' ? m.checksum : null));
  }

  /** The worker's trainableChecksum(). */
  checksum(): Promise<number> {
    return this.request({ type: 'checksum' }).then((m) => (m.type === 'applied' && m.checksum !== null ? m.checksum : Number.NaN));
  }

  async setState(state: EngineState): Promise<void> {
    await this.request({ type: 'set-state', state });
  }

  /** For tests: end the thread as a crash would. */
  async terminate(): Promise<void> {
    this.fail(new Error('train worker was terminated'));
    this.channel.kill();
    await this.channel.exit;
  }

  private request(message: Request, transfer: ArrayBuffer[] = []): Promise<FromReplica> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<FromReplica>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.channel.send({ ...message, id }, transfer);
      } catch (error) {
        // Refused by the protocol: nothing was sent.
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
  }
}
