/**
 * The affinity head with its optimizer, on a trained localizer whose backbone stays frozen (its
 * stages run in inference mode, outside the gradient): one training step per image (its seeds at
 * the walk grid, optionally mirrored), the embedding of an image for the walk, and a state that
 * round-trips through checkpoint records (`head/…`, `optimizer:head/…`). Every method leaves no
 * tensor behind and reads tensors asynchronously.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '@shared/domain/dataset';
import type { AffinityEmbedding } from '@shared/affinity/random-walk';
import { imageToTensor } from '../augment';
import type { Classifier } from '../classifier';
import { scaledSize } from '../infer';
import { EngineOptimizer } from '../optimizers';
import { takeFloats } from '../read';
import { makeRng } from '../rng';
import type { TensorRecord } from '../types';
import { AffinityHead, AFFINITY_HEAD_DEFAULTS, walkGrid, type AffinityHeadConfig } from './head';
import { affinityLoss, pairMasks, type PairMasks } from './loss';
import { flipSeeds } from './seeds';

export interface AffinityTrainConfig {
  head: AffinityHeadConfig;
  /** Radius of the training pairs, in walk-grid nodes. */
  radius: number;
  /** Adam's learning rate. */
  lr: number;
  seed: number;
}

export const AFFINITY_TRAIN_DEFAULTS: AffinityTrainConfig = { head: AFFINITY_HEAD_DEFAULTS, radius: 5, lr: 3e-3, seed: 0 };

const PREFIX = 'head';

export interface AffinityStep {
  loss: number;
  counts: PairMasks['counts'];
}

export class AffinityModel {
  readonly head: AffinityHead;
  private readonly optimizer: EngineOptimizer;

  private constructor(
    private readonly localizer: Classifier,
    readonly config: AffinityTrainConfig,
    stageChannels: number[],
  ) {
    this.head = new AffinityHead(stageChannels, config.head, makeRng(config.seed));
    this.optimizer = new EngineOptimizer(
      { kind: 'adam', lr: config.lr, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, rho: 0.99, epsilon: 1e-8 },
      this.head.store.trainable(),
    );
  }

  /** A fresh head for `localizer` (the stage channels are measured on a small input). */
  static create(localizer: Classifier, config: AffinityTrainConfig = AFFINITY_TRAIN_DEFAULTS): AffinityModel {
    const probe = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
    const stages = localizer.backbone.stages(probe);
    const channels = stages.map((s) => s.shape[3]);
    tf.dispose([probe, ...stages]);
    return new AffinityModel(localizer, config, channels);
  }

  get iterations(): number {
    return this.optimizer.iterations;
  }

  /** The network input of an image and its walk grid. */
  private input(image: RgbImage, baseScale: number): { x: tf.Tensor4D; grid: { width: number; height: number } } {
    const size = scaledSize(image, baseScale);
    return { x: imageToTensor(image, size), grid: walkGrid(size.width, size.height, this.config.head.stride) };
  }

  /** The walk grid of an image at `baseScale` (the size its seeds must have). */
  gridOf(image: RgbImage, baseScale = 1): { width: number; height: number } {
    const size = scaledSize(image, baseScale);
    return walkGrid(size.width, size.height, this.config.head.stride);
  }

  /** One Adam step on one image; `seeds` [h,w] at gridOf(image). Returns the loss before the step. */
  async step(image: RgbImage, seeds: Uint8Array, { flip = false, baseScale = 1 } = {}): Promise<AffinityStep> {
    const { x, grid } = this.input(image, baseScale);
    const masks = pairMasks(flip ? flipSeeds(seeds, grid.width, grid.height) : seeds, 1, grid.width, grid.height, this.config.radius);
    const input = flip ? tf.tidy(() => tf.reverse(x, 2)) : x;
    const stages = this.localizer.backbone.stages(input); // frozen: constants for the gradient
    try {
      const { value, grads } = tf.variableGrads(() => affinityLoss(this.head.embed(stages, grid), masks), this.head.store.trainable().map((t) => t.variable));
      try {
        this.optimizer.apply(grads);
      } finally {
        tf.dispose(grads);
      }
      const [loss] = await takeFloats(value);
      return { loss: loss ?? Number.NaN, counts: masks.counts };
    } finally {
      tf.dispose([x, input, ...stages]);
    }
  }

  /** The loss on one image without a step (evaluation and tests). */
  async loss(image: RgbImage, seeds: Uint8Array, baseScale = 1): Promise<number> {
    const { x, grid } = this.input(image, baseScale);
    const masks = pairMasks(seeds, 1, grid.width, grid.height, this.config.radius);
    const value = tf.tidy(() => affinityLoss(this.head.embed(this.localizer.backbone.stages(x), grid), masks));
    x.dispose();
    return (await takeFloats(value))[0] ?? Number.NaN;
  }

  /** The embedding of an image at its walk grid, for the random walk. */
  async embedding(image: RgbImage, baseScale = 1): Promise<AffinityEmbedding> {
    const { x, grid } = this.input(image, baseScale);
    const f = tf.tidy(() => this.head.embed(this.localizer.backbone.stages(x), grid)); // [1,h,w,D]
    x.dispose();
    return { width: grid.width, height: grid.height, dim: this.config.head.dim, data: await takeFloats(f) };
  }

  /** The head's parameters and Adam's moments as checkpoint records. */
  async getState(): Promise<TensorRecord[]> {
    const params = await this.head.store.toRecords(PREFIX);
    return [...params, ...(await this.optimizer.toRecords(PREFIX))];
  }

  /** Restore getState()'s records; `iterations` is Adam's step count. */
  setState(records: readonly TensorRecord[], iterations: number): void {
    this.head.store.fromRecords(PREFIX, records);
    this.optimizer.fromRecords(PREFIX, records, iterations);
  }

  /** Only the head's parameters (what inference needs). */
  setWeights(records: readonly TensorRecord[]): void {
    this.head.store.fromRecords(PREFIX, records);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.head.dispose();
  }
}
