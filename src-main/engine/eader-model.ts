/**
 * EaderModel: the facade the trainer, CLI and services use. It owns the localizer, the adversary
 * (or none / shared), one optimizer per network, the alternating schedule and the global step.
 * Every public method takes caller-owned tensors, returns plain data (or, for step(), numbers)
 * and leaves no tensor behind.
 */
import * as tf from '@tensorflow/tfjs';
import { denormalizeToRgb } from './augment';
import type { PretrainedReport } from './backbones/pretrained';
import { computeCams, pairsFromLabels, pairsFromLists } from './cam';
import { Classifier, createAdversary } from './classifier';
import { resolveConfig, type EaderConfig, type EaderConfigInput } from './config';
import { EngineOptimizer } from './optimizers';
import { makeRng } from './rng';
import { TrainingPhase } from './schedule';
import { FULL_BATCH, adversaryGradients, applyStepGradients, critic, erasureForward, localizerGradients, type LossScale, type Nets, type StepGradients } from './train-step';
import type { ClassCam, EngineState, ErasureRound, GradientResult, Phase, PlainGradients, StepResult } from './types';

export interface TrainBatch {
  /** [B,S,S,3] ImageNet-normalised. */
  images: tf.Tensor4D;
  /** [B,K] multi-hot over the K foreground classes. */
  labels: tf.Tensor2D;
}

export class EaderModel {
  private step_ = 0;
  readonly schedule: TrainingPhase;
  private readonly nets: Nets;
  private readonly locOptimizer: EngineOptimizer;
  private readonly advOptimizer: EngineOptimizer | null;
  /** Reports of pretrained weight files loaded at creation. */
  readonly pretrained: PretrainedReport[] = [];

  private constructor(readonly config: EaderConfig) {
    const rng = makeRng(config.seed);
    const bn = { momentum: config.bnMomentum, epsilon: config.bnEpsilon };
    const localizer = new Classifier(config.backbone, config.numClasses, rng, bn);
    const adversary = createAdversary(config, rng);
    this.nets = { config, localizer, adversary };
    this.locOptimizer = new EngineOptimizer(config.optimizer, localizer.store.trainable());
    this.advOptimizer = adversary ? new EngineOptimizer(config.adversaryOptimizer ?? config.optimizer, adversary.store.trainable()) : null;
    this.schedule = new TrainingPhase(config.locSteps, config.advSteps, adversary !== null);
  }

  /** Validate the config, build the networks, load local pretrained weights if named. */
  static async create(input: EaderConfigInput): Promise<EaderModel> {
    const model = new EaderModel(resolveConfig(input));
    try {
      const { pretrained, adversaryPretrained } = model.config;
      if (pretrained) model.pretrained.push(await model.nets.localizer.loadPretrained(pretrained));
      if (adversaryPretrained) {
        if (!model.nets.adversary) throw new Error(`adversaryPretrained given but adversary is '${model.config.adversary}'`);
        model.pretrained.push(await model.nets.adversary.loadPretrained(adversaryPretrained));
      }
    } catch (err) {
      model.dispose();
      throw err;
    }
    return model;
  }

  /** Steps taken so far (the index of the next step). */
  get globalStep(): number {
    return this.step_;
  }

  /** Phase of the next step. */
  get phase(): Phase {
    return this.schedule.phaseAt(this.step_);
  }

  get localizer(): Classifier {
    return this.nets.localizer;
  }

  get adversary(): Classifier | null {
    return this.nets.adversary;
  }

  /** One training step of whichever network the schedule says (= computeGradients + applyGradients). */
  step(batch: TrainBatch): StepResult {
    const { pairs, phase, result } = this.gradients(batch, FULL_BATCH);
    const step = this.step_;
    applyStepGradients(this.optimizerOf(phase), result.grads);
    this.step_ += 1;
    return { step, phase, losses: result.terms, pairs: pairs.count };
  }

  /**
   * The gradients of this step's loss on `batch` without applying them (data parallelism).
   * `scale` is this batch's share of the full batch (see LossScale): the losses and gradients are
   * scaled by it, so replicas' results SUM to the full batch's. `grads` holds the stepping
   * network's trainable parameters by name (null: nothing to apply, e.g. no pairs).
   */
  computeGradients(batch: TrainBatch, scale: LossScale = FULL_BATCH): GradientResult {
    const { pairs, phase, result } = this.gradients(batch, scale);
    let grads: PlainGradients | null = null;
    if (result.grads) {
      const byVariable = result.grads;
      grads = {};
      for (const { name, variable } of this.networkOf(phase).store.trainable()) {
        const g = byVariable[variable.name];
        if (g) grads[name] = g.dataSync() as Float32Array;
      }
      tf.dispose(byVariable);
    }
    return { step: this.step_, phase, losses: result.terms, pairs: pairs.count, grads };
  }

  /** Apply (summed) plain gradients for the current phase with its optimizer, then advance the step. */
  applyGradients(phase: Phase, grads: PlainGradients | null): void {
    if (phase !== this.phase) throw new Error(`gradients are for a ${phase} step but step ${this.step_} is a ${this.phase} step`);
    let named: tf.NamedTensorMap | null = null;
    if (grads) {
      named = {};
      for (const { name, variable } of this.networkOf(phase).store.trainable()) {
        const g = grads[name];
        if (!g) continue;
        if (g.length !== variable.size) throw new Error(`gradient ${name} has ${g.length} values, expected ${variable.size}`);
        named[variable.name] = tf.tensor(g, variable.shape, 'float32');
      }
    }
    applyStepGradients(this.optimizerOf(phase), named);
    this.step_ += 1;
  }

  /** FNV-1a over the bytes of every trainable parameter and optimizer moment, and the step: replicas must agree. */
  trainableChecksum(): number {
    let hash = 0x811c9dc5 ^ this.step_;
    const mix = (data: Float32Array | Int32Array): void => {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ (bytes[i] ?? 0), 0x01000193);
    };
    const nets = this.nets.adversary ? [this.nets.localizer, this.nets.adversary] : [this.nets.localizer];
    for (const net of nets) for (const { variable } of net.store.trainable()) mix(variable.dataSync() as Float32Array);
    for (const record of [...this.locOptimizer.toRecords('l'), ...(this.advOptimizer?.toRecords('a') ?? [])]) mix(record.data);
    return hash >>> 0;
  }

  private gradients(batch: TrainBatch, scale: LossScale): { pairs: ReturnType<typeof pairsFromLabels>; phase: Phase; result: StepGradients } {
    const { images, labels } = batch;
    const K = this.config.numClasses;
    if (images.rank !== 4 || images.shape[3] !== 3) throw new Error(`images must be [B,H,W,3], got [${images.shape.join(',')}]`);
    if (labels.rank !== 2 || labels.shape[0] !== images.shape[0] || labels.shape[1] !== K) {
      throw new Error(`labels must be [${images.shape[0]},${K}], got [${labels.shape.join(',')}]`);
    }
    const pairs = pairsFromLabels(labels.dataSync(), images.shape[0], K);
    const phase = this.phase;
    const result =
      phase === 'adversary' && this.nets.adversary
        ? adversaryGradients(this.nets, this.nets.adversary, images, labels, pairs, scale)
        : localizerGradients(this.nets, images, labels, pairs, scale);
    return { pairs, phase, result };
  }

  private networkOf(phase: Phase): Classifier {
    return phase === 'adversary' && this.nets.adversary ? this.nets.adversary : this.nets.localizer;
  }

  private optimizerOf(phase: Phase): EngineOptimizer {
    return phase === 'adversary' && this.advOptimizer ? this.advOptimizer : this.locOptimizer;
  }

  /**
   * Schedule the learning rate: `lrAt(iteration)` gives the lr of each network's update from its
   * own optimizer's iteration count (both networks; deterministic, so replicas agree).
   */
  setLearningRate(lrAt: (iteration: number, network: 'localizer' | 'adversary') => number): void {
    this.locOptimizer.lrAt = (t) => lrAt(t, 'localizer');
    if (this.advOptimizer) this.advOptimizer.lrAt = (t) => lrAt(t, 'adversary');
  }

  /** Localizer sigmoid probabilities, [B*K] row-major (inference mode). */
  predict(images: tf.Tensor4D): Float32Array {
    return tf.tidy(() => tf.sigmoid(this.nets.localizer.logits(images, false)).dataSync() as Float32Array);
  }

  /**
   * Normalised cams for the given engine classes of each image (inference mode), resized to
   * `size` (default: the input size). Result[b][j] is image b's j-th requested class.
   */
  cams(images: tf.Tensor4D, classIndices: readonly (readonly number[])[], size?: { width: number; height: number }): ClassCam[][] {
    if (classIndices.length !== images.shape[0]) throw new Error(`${images.shape[0]} images but ${classIndices.length} class lists`);
    const pairs = pairsFromLists(classIndices, this.config.numClasses);
    const height = size?.height ?? images.shape[1];
    const width = size?.width ?? images.shape[2];
    const out: ClassCam[][] = classIndices.map(() => []);
    if (pairs.count === 0) return out;
    const values = tf.tidy(() => {
      const features = this.nets.localizer.backbone.features(images, false);
      return computeCams(this.nets.localizer, features, pairs, this.config.camMode, height, width).dataSync() as Float32Array;
    });
    for (let p = 0; p < pairs.count; p++) {
      out[pairs.imageIndex[p] ?? 0]?.push({
        classIndex: pairs.classIndex[p] ?? 0,
        width,
        height,
        cam: values.subarray(p * height * width, (p + 1) * height * width),
      });
    }
    return out;
  }

  /** For one image [H,W,3] (normalised) and its classes: cam, mask, erased image, probabilities. */
  erasureSample(image: tf.Tensor3D, classIndices: readonly number[]): ErasureRound[] {
    const pairs = pairsFromLists([classIndices], this.config.numClasses);
    if (pairs.count === 0) return [];
    const [H, W] = image.shape;
    const scorer = critic(this.nets) ?? this.nets.localizer;
    const data = tf.tidy(() => {
      const fwd = erasureForward(this.nets, tf.expandDims(image, 0) as tf.Tensor4D, pairs, false, false);
      if (!fwd.cams || !fwd.masks || !fwd.erased) throw new Error('no cams computed');
      const advProbs = tf.sigmoid(scorer.logits(fwd.erased, false)).dataSync();
      return {
        cams: fwd.cams.dataSync(),
        masks: fwd.masks.dataSync(),
        erased: fwd.erased.dataSync(),
        locProbs: tf.sigmoid(fwd.logits).dataSync(),
        advProbs,
      };
    });
    const K = this.config.numClasses;
    const plane = H * W;
    return Array.from(pairs.classIndex, (classIndex, p) => ({
      classIndex,
      width: W,
      height: H,
      cam: Float32Array.from(data.cams.subarray(p * plane, (p + 1) * plane)),
      softMask: Float32Array.from(data.masks.subarray(p * plane, (p + 1) * plane)),
      erased: denormalizeToRgb(data.erased.subarray(p * plane * 3, (p + 1) * plane * 3) as Float32Array),
      adversaryProb: data.advProbs[p * K + classIndex] ?? 0,
      localizerProb: data.locProbs[classIndex] ?? 0,
    }));
  }

  /** Weights, BN statistics, optimizer moments and the step, as plain data. */
  getState(): EngineState {
    const tensors = [...this.nets.localizer.store.toRecords('localizer'), ...this.locOptimizer.toRecords('localizer')];
    if (this.nets.adversary && this.advOptimizer) {
      tensors.push(...this.nets.adversary.store.toRecords('adversary'), ...this.advOptimizer.toRecords('adversary'));
    }
    return {
      step: this.step_,
      tensors,
      extra: {
        format: 'eader-engine-state/1',
        config: this.config,
        optimizerIterations: { localizer: this.locOptimizer.iterations, adversary: this.advOptimizer?.iterations ?? 0 },
      },
    };
  }

  /** Restore getState()'s output (same backbone/adversary/optimizer kinds). */
  setState(state: EngineState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`state step must be a non-negative integer, got ${state.step}`);
    const iterations = (state.extra.optimizerIterations ?? {}) as { localizer?: number; adversary?: number };
    const { localizer, adversary } = this.nets;
    // Check everything first so a bad state leaves the model untouched.
    localizer.store.checkRecords('localizer', state.tensors);
    this.locOptimizer.checkRecords('localizer', state.tensors);
    if (adversary && this.advOptimizer) {
      adversary.store.checkRecords('adversary', state.tensors);
      this.advOptimizer.checkRecords('adversary', state.tensors);
    }
    localizer.store.fromRecords('localizer', state.tensors);
    this.locOptimizer.fromRecords('localizer', state.tensors, iterations.localizer ?? 0);
    if (adversary && this.advOptimizer) {
      adversary.store.fromRecords('adversary', state.tensors);
      this.advOptimizer.fromRecords('adversary', state.tensors, iterations.adversary ?? 0);
    }
    this.step_ = state.step;
  }

  dispose(): void {
    this.nets.localizer.dispose();
    this.nets.adversary?.dispose();
    this.locOptimizer.dispose();
    this.advOptimizer?.dispose();
  }
}
