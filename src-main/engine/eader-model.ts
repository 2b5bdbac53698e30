/** Facade over localizer, adversary, optimizers and schedule. (Body in progress.) */
import * as tf from '@tensorflow/tfjs';
import { resolveConfig, type EaderConfig, type EaderConfigInput } from './config';
import type { ClassCam, EngineState, ErasureRound, Phase, StepResult } from './types';

export interface TrainBatch {
  /** [B,S,S,3] ImageNet-normalised. */
  images: tf.Tensor4D;
  /** [B,K] multi-hot over the K foreground classes. */
  labels: tf.Tensor2D;
}

export class EaderModel {
  private constructor(readonly config: EaderConfig) {}

  static async create(input: EaderConfigInput): Promise<EaderModel> {
    return Promise.resolve(new EaderModel(resolveConfig(input)));
  }

  get globalStep(): number {
    return 0;
  }

  get phase(): Phase {
    return 'localizer';
  }

  step(_batch: TrainBatch): StepResult {
    throw new Error('not implemented yet');
  }

  predict(_images: tf.Tensor4D): Float32Array {
    throw new Error('not implemented yet');
  }

  cams(_images: tf.Tensor4D, _classIndices: number[][], _size?: { width: number; height: number }): ClassCam[][] {
    throw new Error('not implemented yet');
  }

  erasureSample(_image: tf.Tensor3D, _classIndices: number[]): ErasureRound[] {
    throw new Error('not implemented yet');
  }

  getState(): EngineState {
    throw new Error('not implemented yet');
  }

  setState(_state: EngineState): void {
    throw new Error('not implemented yet');
  }

  dispose(): void {}
}
