/**
 * EaderModel: the facade the trainer, CLI and services use. It owns the localizer, the adversary
 * (or none / shared), one optimizer per network, the alternating schedule and the global step.
 * Every public method takes caller-owned tensors, returns plain data (or, for step(), numbers)
 * and leaves no tensor behind. Every read of tensor data is async (webgpu cannot read
 * synchronously), so the methods that return data return promises.
 */
import * as tf from '@tensorflow/tfjs';
import { denormalizeToRgb } from './augment';
import type { PretrainedReport } from './backbones/pretrained';
import type { WeightsOpener } from './backbones/weight-source';
import { computeCams, pairsFromLabels, pairsFromLists } from './cam';
import { Classifier, bnSettings, createAdversary } from './classifier';
import { checkEngineConfig, optimizerConfig, type EaderConfig } from './settings';
import { EngineOptimizer } from './optimizers';
import { makeRng } from './rng';
import { TrainingPhase } from './schedule';
import { FULL_BATCH, adversaryGradients, applyStepGradients, critic, erasureForward, localizerGradients, type LossScale, type Nets, type StepGradients } from './train-step';
import { readFloats, takeAll, takeFloats } from './read';
import type { ClassCam, EngineState, ErasureRound, GradientResult, Phase, PlainGradients, StepResult } from './types';

export interface TrainBatch {
  /** [B,S,S,3] ImageNet-normalised. */
  images: tf.Tensor4D;
  /** [B,K] multi-hot over the K foreground classes. */
  labels: tf.Tensor2D;
  /** The same labels as plain data, [B*K] (spares a read back from the device). */
  labelValues?: Float32Array;
}

export interface CreateOptions {
  /** Opens `config.pretrained` / `config.adversaryPretrained` (a file or a store name); needed when either is set. */
  openWeights?: WeightsOpener;
  /**
   * The caller restores a state right after (resume, inference from a run, a replica): the
   * pretrained weights are not read, since setState() replaces them anyway.
   */
  restoring?: boolean;
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
    const localizer = new Classifier(config.backbone, config.numClasses, rng, bnSettings(config));
    const adversary = createAdversary(config, rng);
    this.nets = { config, localizer, adversary };
    this.locOptimizer = new EngineOptimizer(optimizerConfig(config), localizer.optimizerParams(config.backboneLrScale));
    this.advOptimizer = adversary ? new EngineOptimizer(optimizerConfig(config), adversary.optimizerParams(config.backboneLrScale)) : null;
    this.schedule = new TrainingPhase(config.locSteps, config.advSteps, adversary !== null);
  }

  /**
   * Check the config (a ConfigError names the bad value), build the networks, and load the
   * pretrained backbones it names (through `options.openWeights`; the ImageNet `fc` of a file is
   * dropped for the new K-class head).
   */
  static async create(config: EaderConfig, options: CreateOptions = {}): Promise<EaderModel> {
    const model = new EaderModel(checkEngineConfig(config));
    try {
      const { config, nets } = model; // checked: adversaryPretrained only with an adversary network (the table's rule)
      if (!options.restoring) {
        if (config.pretrained) model.pretrained.push(await loadInto(nets.localizer, config.pretrained, options.openWeights));
        if (config.adversaryPretrained && nets.adversary) model.pretrained.push(await loadInto(nets.adversary, config.adversaryPretrained, options.openWeights));
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
  async step(batch: TrainBatch): Promise<StepResult> {
    const { pairs, phase, result } = await this.gradients(batch, FULL_BATCH);
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
  async computeGradients(batch: TrainBatch, scale: LossScale = FULL_BATCH): Promise<GradientResult> {
    const { pairs, phase, result } = await this.gradients(batch, scale);
    let grads: PlainGradients | null = null;
    if (result.grads) {
      const byVariable = result.grads;
      const named: Record<string, tf.Tensor> = {};
      for (const { name, variable } of this.networkOf(phase).store.trainable()) {
        const g = byVariable[variable.name];
        if (g) named[name] = g;
      }
      try {
        grads = await takeAll(named);
      } finally {
        tf.dispose(byVariable);
      }
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
  async trainableChecksum(): Promise<number> {
    let hash = 0x811c9dc5 ^ this.step_;
    const mix = (data: Float32Array | Int32Array): void => {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ (bytes[i] ?? 0), 0x01000193);
    };
    const nets = this.nets.adversary ? [this.nets.localizer, this.nets.adversary] : [this.nets.localizer];
    const weights = await Promise.all(nets.flatMap((net) => net.store.trainable().map(({ variable }) => readFloats(variable))));
    const moments = [...(await this.locOptimizer.toRecords('l')), ...((await this.advOptimizer?.toRecords('a')) ?? [])];
    for (const data of weights) mix(data);
    for (const record of moments) mix(record.data);
    return hash >>> 0;
  }

  private async gradients(batch: TrainBatch, scale: LossScale): Promise<{ pairs: ReturnType<typeof pairsFromLabels>; phase: Phase; result: StepGradients }> {
    const { images, labels } = batch;
    const K = this.config.numClasses;
    if (images.rank !== 4 || images.shape[3] !== 3) throw new Error(`images must be [B,H,W,3], got [${images.shape.join(',')}]`);
    if (labels.rank !== 2 || labels.shape[0] !== images.shape[0] || labels.shape[1] !== K) {
      throw new Error(`labels must be [${images.shape[0]},${K}], got [${labels.shape.join(',')}]`);
    }
    const pairs = pairsFromLabels(batch.labelValues ?? (await readFloats(labels)), images.shape[0], K);
    const phase = this.phase;
    const result =
      phase === 'adversary' && this.nets.adversary
        ? await adversaryGradients(this.nets, this.nets.adversary, images, labels, pairs, scale)
        : await localizerGradients(this.nets, images, labels, pairs, scale);
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

  /** The lr the next `phase` update applies (before the backbone's lr factor): what a replica must apply too. */
  learningRate(phase: Phase): number {
    const optimizer = this.optimizerOf(phase);
    return optimizer.lrAt(optimizer.iterations);
  }

  /** Localizer sigmoid probabilities, [B*K] row-major (inference mode). */
  predict(images: tf.Tensor4D): Promise<Float32Array> {
    return takeFloats(tf.tidy(() => tf.sigmoid(this.nets.localizer.logits(images, false))));
  }

  /**
   * Normalised cams for the given engine classes of each image (inference mode), resized to
   * `size` (default: the input size). Result[b][j] is image b's j-th requested class.
   */
  async cams(images: tf.Tensor4D, classIndices: readonly (readonly number[])[], size?: { width: number; height: number }): Promise<ClassCam[][]> {
    if (classIndices.length !== images.shape[0]) throw new Error(`${images.shape[0]} images but ${classIndices.length} class lists`);
    const pairs = pairsFromLists(classIndices, this.config.numClasses);
    const height = size?.height ?? images.shape[1];
    const width = size?.width ?? images.shape[2];
    const out: ClassCam[][] = classIndices.map(() => []);
    if (pairs.count === 0) return out;
    const values = await takeFloats(
      tf.tidy(() => {
        const features = this.nets.localizer.backbone.features(images, false);
        return computeCams(this.nets.localizer, features, pairs, this.config.camMethod, height, width); // [P,H,W]
      }),
    );
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
  async erasureSample(image: tf.Tensor3D, classIndices: readonly number[]): Promise<ErasureRound[]> {
    const pairs = pairsFromLists([classIndices], this.config.numClasses);
    if (pairs.count === 0) return [];
    const [H, W] = image.shape;
    const scorer = critic(this.nets) ?? this.nets.localizer;
    const data = await takeAll(
      tf.tidy(() => {
        const fwd = erasureForward(this.nets, tf.expandDims(image, 0) as tf.Tensor4D, pairs, false, false);
        if (!fwd.cams || !fwd.masks || !fwd.erased) throw new Error('no cams computed');
        return {
          cams: fwd.cams, // [P,H,W]
          masks: fwd.masks, // [P,H,W]
          erased: fwd.erased, // [P,H,W,3]
          locProbs: tf.sigmoid(fwd.logits), // [1,K]
          advProbs: tf.sigmoid(scorer.logits(fwd.erased, false)), // [P,K]
        };
      }),
    );
    const K = this.config.numClasses;
    const plane = H * W;
    return Array.from(pairs.classIndex, (classIndex, p) => ({
      classIndex,
      width: W,
      height: H,
      cam: Float32Array.from(data.cams.subarray(p * plane, (p + 1) * plane)),
      softMask: Float32Array.from(data.masks.subarray(p * plane, (p + 1) * plane)),
      erased: denormalizeToRgb(data.erased.subarray(p * plane * 3, (p + 1) * plane * 3)),
      adversaryProb: data.advProbs[p * K + classIndex] ?? 0,
      localizerProb: data.locProbs[classIndex] ?? 0,
    }));
  }

  /** Weights, BN statistics, optimizer moments and the step, as plain data. */
  async getState(): Promise<EngineState> {
    const groups = [this.nets.localizer.store.toRecords('localizer'), this.locOptimizer.toRecords('localizer')];
    if (this.nets.adversary && this.advOptimizer) groups.push(this.nets.adversary.store.toRecords('adversary'), this.advOptimizer.toRecords('adversary'));
    const tensors = (await Promise.all(groups)).flat();
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

async function loadInto(net: Classifier, ref: string, openWeights: WeightsOpener | undefined): Promise<PretrainedReport> {
  if (!openWeights) throw new Error(`pretrained weights '${ref}' named, but EaderModel.create got no openWeights`);
  const source = await openWeights(ref);
  try {
    return await net.loadPretrained(source);
  } finally {
    await source.close?.();
  }
}
