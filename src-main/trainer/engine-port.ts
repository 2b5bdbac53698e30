/**
 * What the training loop needs from the EADER engine, and nothing more. engine-adapter.ts
 * implements it over src-main/engine's facade; tests can give the loop a stand-in.
 */
import type { RgbImage } from '@shared/domain/dataset';
import type { TrainConfig } from '@shared/domain/train-config';
import type { WeightsOpener } from '../engine/backbones/weight-source';
import type { EngineState, ErasureRound, StepResult } from '../engine/types';

export interface TrainerEngine {
  /**
   * One optimisation step on decoded images (augmented inside, seeded by `step`, so a resumed run
   * sees the same crops) at learning rate `lr` (the loop's schedule). `labels` are dataset class
   * indices (1..K), per image.
   */
  trainStep(images: RgbImage[], labels: number[][], step: number, lr: number): Promise<StepResult>;
  /** The localizer's sigmoid probabilities of whole images resized to the training size: [B*K] row-major. */
  predict(images: RgbImage[]): Promise<Float32Array>;
  exportState(step: number): Promise<EngineState>;
  importState(state: EngineState): Promise<void>;
  /** One erasure round per positive class of one image, at the training size. */
  erasureRounds(image: RgbImage, labels: number[]): Promise<ErasureRound[]>;
  /** Live tensor count (tf.memory().numTensors), the leak tripwire. */
  numTensors(): number;
  dispose(): void;
}

export interface EngineOptions {
  /** Reports notices to the parent (e.g. how many training threads run, a lost worker). */
  log?: (level: 'info' | 'warning', message: string) => void;
  /** Opens the config's pretrained weights (a store name or a file); the loop gives one over the weights store. */
  openWeights?: WeightsOpener;
  /** A checkpoint is imported right after: the pretrained weights are not read (the file may be gone). */
  restoring?: boolean;
}

export type EngineFactory = (config: TrainConfig, numForegroundClasses: number, options?: EngineOptions) => Promise<TrainerEngine>;
