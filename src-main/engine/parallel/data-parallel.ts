/**
 * Data parallelism over two wasm replicas (both CPU cores): the master (this thread's EaderModel)
 * and one worker-thread replica each compute the gradients of their share of a batch, scaled
 * (LossScale) so the two SUM to the full batch's; the master applies the sum and sends it to the
 * worker, which applies the same update. Identical start + identical float32 update ⇒ identical
 * weights; a checksum of the trainable weights and optimizer moments is compared every
 * `checkEvery` steps, and the worker is re-synchronised from the master's state on a mismatch.
 *
 * Batch norm sees each replica's half-batch (as PyTorch DDP without SyncBN). Running statistics
 * are the master's own (they are what checkpoints and inference use); the worker's are never read
 * (training-mode forwards use batch statistics) and are overwritten by every re-sync.
 *
 * If the worker fails, the step is redone in this thread alone (the master's model is untouched
 * until the gradients are applied), `onWarning` is told once, and training goes on in one thread.
 */
import * as tf from '@tensorflow/tfjs';
import type { EaderModel, TrainBatch } from '../eader-model';
import { pairsFromLabels } from '../cam';
import type { LossScale } from '../train-step';
import type { GradientResult, LossTerms, PlainGradients, StepResult } from '../types';
import { readFloats, takeFloats } from '../read';
import { WorkerReplica } from './replica';
import { errorText } from '@shared/envelope';

export interface DataParallelOptions {
  /** Compare replica checksums every this many steps (0 = never). Default 50. */
  checkEvery?: number;
  onWarning?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Sum of two replicas' scaled gradients (either may be null: nothing from that share). */
export function sumGradients(a: PlainGradients | null, b: PlainGradients | null): PlainGradients | null {
  if (!a || !b) return a ?? b;
  const out: PlainGradients = {};
  for (const [name, ga] of Object.entries(a)) {
    const gb = b[name];
    if (!gb) throw new Error(`gradient ${name} is missing from one replica`);
    if (gb.length !== ga.length) throw new Error(`gradient ${name}: ${ga.length} vs ${gb.length} values`);
    const sum = new Float32Array(ga.length);
    for (let i = 0; i < ga.length; i++) sum[i] = (ga[i] ?? 0) + (gb[i] ?? 0);
    out[name] = sum;
  }
  return out;
}

function sumLosses(a: LossTerms, b: LossTerms): LossTerms {
  return { bce: a.bce + b.bce, reg: a.reg + b.reg, adv: a.adv + b.adv, advBce: a.advBce + b.advBce, total: a.total + b.total };
}

export class DataParallelTrainer {
  private replica: WorkerReplica | null;
  private applying: Promise<void> = Promise.resolve();
  /** Steps run on both replicas, and re-syncs after a checksum mismatch (for tests and logs). */
  readonly stats = { parallelSteps: 0, resyncs: 0 };

  private constructor(
    private readonly model: EaderModel,
    replica: WorkerReplica,
    private readonly options: DataParallelOptions,
  ) {
    this.replica = replica;
  }

  /** Start one worker replica from the model's current state. */
  static async start(model: EaderModel, options: DataParallelOptions = {}): Promise<DataParallelTrainer> {
    const replica = await WorkerReplica.start(model.config, await model.getState(), options.env);
    return new DataParallelTrainer(model, replica, options);
  }

  /** Replicas in use: 2, or 1 after the worker failed. */
  get replicas(): number {
    return this.replica ? 2 : 1;
  }

  get worker(): WorkerReplica | null {
    return this.replica;
  }

  /** One training step on the full batch (split in two; the caller keeps owning the batch). */
  async step(batch: TrainBatch): Promise<StepResult> {
    await this.applying;
    const B = batch.images.shape[0];
    const replica = this.replica;
    if (!replica || B < 2) return this.model.step(batch);
    const K = this.model.config.numClasses;
    const own = B - Math.floor(B / 2); // the master takes the larger share
    const labels = batch.labelValues ?? (await readFloats(batch.labels));
    const total = pairsFromLabels(labels, B, K).count;
    const ownPairs = pairsFromLabels(labels.subarray(0, own * K), own, K).count;
    const scale = (images: number, pairs: number): LossScale => ({ images: images / B, pairs: total > 0 ? pairs / total : 0 });
    const [, S1, S2, C] = batch.images.shape;
    const theirImages = await takeFloats(tf.tidy(() => tf.slice(batch.images, [own, 0, 0, 0], [B - own, S1, S2, C])));
    const step = this.model.globalStep;
    const theirs = replica.computeGradients(step, theirImages, [B - own, S1, S2, C], labels.slice(own * K), scale(B - own, total - ownPairs));
    theirs.catch(() => undefined); // awaited below; keeps a failure during our own half from going unhandled
    const ownBatch = tf.tidy(() => ({
      images: tf.slice(batch.images, [0, 0, 0, 0], [own, S1, S2, C]),
      labels: tf.slice(batch.labels, [0, 0], [own, K]),
    }));
    let mine: GradientResult;
    try {
      mine = await this.model.computeGradients({ ...ownBatch, labelValues: labels.subarray(0, own * K) }, scale(own, ownPairs));
    } finally {
      tf.dispose([ownBatch.images, ownBatch.labels]);
    }
    let other: GradientResult;
    try {
      other = await theirs;
      if (other.phase !== mine.phase || other.step !== mine.step) throw new Error(`replica computed ${other.phase} step ${other.step}, master ${mine.phase} step ${mine.step}`);
    } catch (error) {
      return this.fallBack(error, batch);
    }
    const grads = sumGradients(mine.grads, other.grads);
    const every = this.options.checkEvery ?? 50;
    const check = every > 0 && (this.model.globalStep + 1) % every === 0;
    // Post first (a copy: the master still needs the arrays) so that both replicas apply at once.
    const applied = replica.apply(mine.phase, grads, this.model.learningRate(mine.phase), check, false);
    this.model.applyGradients(mine.phase, grads);
    this.stats.parallelSteps += 1;
    const expected = check ? await this.model.trainableChecksum() : null;
    this.applying = applied.then(
      async (checksum) => {
        if (expected === null || checksum === expected || this.replica !== replica) return;
        this.stats.resyncs += 1;
        this.options.onWarning?.(`Train worker drifted from the master at step ${this.model.globalStep} (checksum ${checksum} vs ${expected}): re-synchronised.`);
        await replica.setState(await this.model.getState());
      },
      (error: unknown) => this.drop(error),
    );
    return { step: mine.step, phase: mine.phase, losses: sumLosses(mine.losses, other.losses), pairs: mine.pairs + other.pairs };
  }

  /** Give the worker the master's whole state (after the master's state was replaced, e.g. on resume). */
  async syncWorker(): Promise<void> {
    await this.applying;
    if (this.replica) await this.replica.setState(await this.model.getState()).catch((error: unknown) => this.drop(error));
  }

  /** The worker's checksum of its weights and optimizer moments (tests), or null without a worker. */
  async workerChecksum(): Promise<number | null> {
    await this.applying;
    return this.replica ? this.replica.checksum() : null;
  }

  async dispose(): Promise<void> {
    const replica = this.replica;
    this.replica = null;
    await this.applying.catch(() => undefined);
    if (replica) await replica.terminate();
  }

  private fallBack(error: unknown, batch: TrainBatch): Promise<StepResult> {
    this.drop(error);
    return this.model.step(batch);
  }

  private drop(error: unknown): void {
    const replica = this.replica;
    if (!replica) return;
    this.replica = null;
    this.options.onWarning?.(`${errorText(error)}. Training goes on in one thread.`);
    void replica.terminate().catch(() => undefined);
  }
}
