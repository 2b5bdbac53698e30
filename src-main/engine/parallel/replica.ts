/**
 * The master's handle on one worker replica: starts the train worker thread, sends requests and
 * matches the answers. A worker that dies (error, exit) fails every pending and later request
 * with a clear error; data-parallel.ts then falls back to one process.
 *
 * The worker's entry: from the build, out/main/train-worker.js (an electron-vite main input);
 * from the sources (tests, tsx), ./worker-entry.ts through tsx's loader registered inside the
 * thread. EADER_TRAIN_WORKER_ENTRY overrides it (a .ts entry gets the loader).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { appRoot } from '../../platform/paths';
import type { EaderConfig } from '../settings';
import type { LossScale } from '../train-step';
import type { EngineState, GradientResult, Phase, PlainGradients } from '../types';
import { gradientBuffers, type FromWorker, type ToWorker } from './protocol';

type Request = ToWorker extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

export function trainWorkerEntry(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EADER_TRAIN_WORKER_ENTRY) return env.EADER_TRAIN_WORKER_ENTRY;
  if (fileURLToPath(import.meta.url).endsWith('.ts')) return join(appRoot(), 'src-main/engine/parallel/worker-entry.ts');
  const built = join(appRoot(), 'out/main/train-worker.js');
  if (!existsSync(built)) throw new Error(`The train worker is not built (${built} is missing). Run \`npm run build\`.`);
  return built;
}

function startWorker(entry: string): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry);
  // tsx's ESM API (the .mjs beside the .cjs that require resolves), registered inside the thread.
  const api = createRequire(join(appRoot(), 'package.json')).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const tsconfig = join(appRoot(), 'tsconfig.base.json');
  const code =
    `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register({ tsconfig: ${JSON.stringify(tsconfig)} }); ` +
    `return import(${JSON.stringify(pathToFileURL(entry).href)}); });`;
  return new Worker(code, { eval: true });
}

export class WorkerReplica {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  backend = '';

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: FromWorker) => {
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.type === 'error') waiter.reject(new Error(`train worker: ${msg.message}`));
      else waiter.resolve(msg);
    });
    worker.on('error', (error) => this.fail(new Error(`train worker crashed: ${error.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`train worker exited (code ${code})`)));
  }

  /** Start a worker replica with the master's config and state. */
  static async start(config: EaderConfig, state: EngineState, env: NodeJS.ProcessEnv = process.env): Promise<WorkerReplica> {
    const replica = new WorkerReplica(startWorker(trainWorkerEntry(env)));
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

  /** Apply summed gradients (their buffers move to the worker unless `transfer` is false); resolves to the checksum if asked. */
  apply(phase: Phase, grads: PlainGradients | null, checksum: boolean, transfer = true): Promise<number | null> {
    return this.request({ type: 'apply', phase, grads, checksum }, transfer ? gradientBuffers(grads) : []).then((m) => (m.type === 'applied' ? m.checksum : null));
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
    await this.worker.terminate();
  }

  private request(message: Request, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id } as ToWorker, transfer);
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
  }
}
