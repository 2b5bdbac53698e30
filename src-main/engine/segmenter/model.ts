/**
 * SegmenterModel: the facade the trainer, the CLI and the services use for the segmentation
 * network. It owns the network, its optimizer and the global step. Every public method takes
 * caller-owned tensors, returns plain data and leaves no tensor behind; every read of tensor data
 * is async (`await t.data()`), so it runs on backends without synchronous reads (webgpu).
 *
 *   const model = await SegmenterModel.create(segmenterEngineConfig(config, K), { openWeights });
 *   const batch = makeSegmenterBatch(items, model.batchOptions, rng);   // ./batch.ts
 *   const r = await model.step(batch, polyFactor(step, totalSteps));    // {step, losses, pixels}
 *   disposeSegmenterBatch(batch);
 *   const probs = await model.probabilities(x, { width, height }, [[2]]); // [B][K+1] planes, within labels
 *   const state = await model.getState(); model.setState(state);        // checkpoints, resume
 */
import * as tf from '@tensorflow/tfjs';
import type { SegmenterLossTerms } from '@shared/domain/loss-terms';
import type { PretrainedReport } from '../backbones/pretrained';
import type { WeightsOpener } from '../backbones/weight-source';
import { EngineOptimizer } from '../optimizers';
import { makeRng } from '../rng';
import type { EngineState } from '../types';
import type { SegmenterBatch, SegmenterBatchOptions } from './batch';
import { allowedMatrix, restrictLogits, weightedCrossEntropy } from './loss';
import { SegmenterNetwork, type SegmenterHead } from './network';
import { checkSegmenterEngineConfig, segmenterOptimizerConfig, type SegmenterEngineConfig } from './settings';

export const SEGMENTER_STATE_FORMAT = 'eader-segmenter-state/1';
const NET = 'segmenter';

export interface SegmenterCreateOptions {
  /** Opens `pretrained` (a file or a store name) for the backbone. */
  openWeights?: WeightsOpener;
  /** A store name or a weights file for the backbone; none = from scratch. */
  pretrained?: string | null;
  /** A state is restored right after: the pretrained weights are not read. */
  restoring?: boolean;
}

export interface SegmenterStepResult {
  /** Global index of this step; the model's counter is now step + 1. */
  step: number;
  losses: SegmenterLossTerms;
  /** Labelled (non-ignored) pixels of trusted and of pseudo-masked images in the batch. */
  pixels: { trusted: number; pseudo: number };
}

export class SegmenterModel {
  private step_ = 0;
  /** Trusted images trained on so far (batch entries; with separate heads, predictions use the trusted head once it is > 0). */
  private trustedSeen = 0;
  readonly network: SegmenterNetwork;
  private readonly optimizer: EngineOptimizer;
  readonly pretrained: PretrainedReport[] = [];

  private constructor(readonly config: SegmenterEngineConfig) {
    this.network = new SegmenterNetwork(config, makeRng(config.seed));
    this.optimizer = new EngineOptimizer(segmenterOptimizerConfig(config), this.network.optimizerParams(config.backboneLrScale));
  }

  /** Check the config (a ConfigError names the bad value), build the network, load a pretrained backbone. */
  static async create(config: SegmenterEngineConfig, options: SegmenterCreateOptions = {}): Promise<SegmenterModel> {
    const model = new SegmenterModel(checkSegmenterEngineConfig(config));
    try {
      if (options.pretrained && !options.restoring) {
        if (!options.openWeights) throw new Error(`pretrained weights '${options.pretrained}' named, but SegmenterModel.create got no openWeights`);
        const source = await options.openWeights(options.pretrained);
        try {
          model.pretrained.push(await model.network.loadPretrained(source));
        } finally {
          await source.close?.();
        }
      }
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  }

  get globalStep(): number {
    return this.step_;
  }

  /** What makeSegmenterBatch needs from the config. */
  get batchOptions(): SegmenterBatchOptions {
    const { imageSize, numClasses, cropMinScale, hflip, trustedWeight, imageLabels } = this.config;
    return { imageSize, numClasses, cropMinScale, hflip, trustedWeight, imageLabels };
  }

  /**
   * One optimisation step on an augmented batch. `lrFactor` scales the learning rate for this
   * step (the poly schedule). Losses: `total` the weighted loss minimised, `ce` the mean CE over
   * every labelled pixel, `ceTrusted` / `cePseudo` the mean over the trusted / pseudo-masked
   * images' pixels (null when the batch has none).
   */
  async step(batch: SegmenterBatch, lrFactor = 1): Promise<SegmenterStepResult> {
    const C = this.network.outputs;
    const { images, targets, weights, trusted } = batch;
    const [B, H, W] = images.shape;
    if (images.rank !== 4 || images.shape[3] !== 3) throw new Error(`images must be [B,H,W,3], got [${images.shape.join(',')}]`);
    if (targets.shape.join(',') !== [B, H, W, C].join(',')) throw new Error(`targets must be [${[B, H, W, C].join(',')}], got [${targets.shape.join(',')}]`);
    if (weights.shape.join(',') !== [B, H, W].join(',') || trusted.length !== B) throw new Error(`weights must be [${[B, H, W].join(',')}] with ${B} trusted flags`);
    let perImage: tf.Tensor1D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      // With separate heads each image trains its own source's head (trusted → main, pseudo → pseudo).
      const heads = this.network.separateHeads ? trusted.map((t) => !t) : 'main';
      const out = weightedCrossEntropy(restrictLogits(this.network.logits(images, true, undefined, heads), batch.allowed), targets, weights);
      perImage = tf.keep(out.perImage);
      return out.loss;
    }, this.network.trainableVariables());
    const sums = perImage as tf.Tensor1D | null;
    if (!sums) throw new Error('loss closure did not run');
    const labelled = tf.tidy(() => tf.sum(tf.cast(tf.greater(weights, 0), 'float32'), [1, 2])); // [B]
    try {
      const [total, ceSums, counts] = await Promise.all([value.data(), sums.data(), labelled.data()]);
      this.optimizer.apply(grads, lrFactor);
      const step = this.step_;
      this.step_ += 1;
      this.trustedSeen += trusted.filter(Boolean).length;
      const group = (want: boolean): { ce: number; pixels: number } => {
        let ce = 0;
        let pixels = 0;
        trusted.forEach((t, b) => {
          if (t !== want) return;
          ce += ceSums[b] ?? 0;
          pixels += counts[b] ?? 0;
        });
        return { ce, pixels };
      };
      const t = group(true);
      const p = group(false);
      const all = t.pixels + p.pixels;
      return {
        step,
        losses: {
          total: total[0] ?? 0,
          ce: all > 0 ? (t.ce + p.ce) / all : 0,
          ceTrusted: t.pixels > 0 ? t.ce / t.pixels : null,
          cePseudo: p.pixels > 0 ? p.ce / p.pixels : null,
        },
        pixels: { trusted: t.pixels, pseudo: p.pixels },
      };
    } finally {
      tf.dispose([value, sums, labelled, grads]);
    }
  }

  /**
   * Softmax probabilities (inference mode) of images [B,H,W,3], upsampled to `size` (default the
   * input size): result[b] is K + 1 planes of size.width × size.height (plane 0 background).
   * `classes[b]`, where given, restricts image b's softmax to background and those classes (the
   * others get probability 0), as training within image labels does; null or absent: every class.
   */
  async probabilities(images: tf.Tensor4D, size?: { width: number; height: number }, classes?: readonly (readonly number[] | null)[]): Promise<Float32Array[][]> {
    const [B, H, W] = images.shape;
    const height = size?.height ?? H;
    const width = size?.width ?? W;
    const C = this.network.outputs;
    if (classes && classes.length !== B) throw new Error(`classes must give ${B} entries (one per image), got ${classes.length}`);
    const planes = tf.tidy(() => {
      const logits = this.network.logits(images, false, { width, height }, this.predictionHead); // [B,H',W',C]
      const allowed = classes?.some((c) => c !== null) ? allowedMatrix(classes, C) : null; // [B,C]
      return tf.transpose(tf.softmax(restrictLogits(logits, allowed)), [0, 3, 1, 2]); // [B,C,H',W']
    });
    try {
      const data = (await planes.data()) as Float32Array;
      const n = width * height;
      return Array.from({ length: B }, (_, b) => Array.from({ length: C }, (_, c) => data.slice((b * C + c) * n, (b * C + c + 1) * n)));
    } finally {
      planes.dispose();
    }
  }

  /** The head predictions come from: with separate heads, the trusted one once it has trained. */
  get predictionHead(): SegmenterHead {
    return this.network.separateHeads && this.trustedSeen === 0 ? 'pseudo' : 'main';
  }

  /** Weights, BN statistics, optimizer moments and the step, as plain data. */
  async getState(): Promise<EngineState> {
    return {
      step: this.step_,
      tensors: [...(await this.network.store.toRecords(NET)), ...(await this.optimizer.toRecords(NET))],
      extra: { format: SEGMENTER_STATE_FORMAT, config: this.config, rates: this.network.rates, optimizerIterations: this.optimizer.iterations, trustedSeen: this.trustedSeen },
    };
  }

  /** Restore getState()'s output; checks every name and shape first, so a bad state changes nothing. */
  setState(state: EngineState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`state step must be a non-negative integer, got ${state.step}`);
    if (state.extra.format !== SEGMENTER_STATE_FORMAT) throw new Error(`not a segmenter state (format ${JSON.stringify(state.extra.format)}, expected ${SEGMENTER_STATE_FORMAT})`);
    this.network.store.checkRecords(NET, state.tensors);
    this.optimizer.checkRecords(NET, state.tensors);
    this.network.store.fromRecords(NET, state.tensors);
    const iterations = state.extra.optimizerIterations;
    this.optimizer.fromRecords(NET, state.tensors, typeof iterations === 'number' ? iterations : 0);
    this.step_ = state.step;
    // States from before the count: separate heads did not exist, so the main head is the one.
    this.trustedSeen = typeof state.extra.trustedSeen === 'number' ? state.extra.trustedSeen : 0;
  }

  dispose(): void {
    this.network.dispose();
    this.optimizer.dispose();
  }
}
