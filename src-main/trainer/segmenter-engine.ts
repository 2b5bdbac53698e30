/**
 * What the segmenter loop needs from the engine, and its implementation over SegmenterModel
 * (src-main/engine/segmenter). Tests can give the loop a stand-in, as for the localizer.
 */
import * as tf from '@tensorflow/tfjs';
import type { SegmenterConfig } from '@shared/domain/segmenter-config';
import type { PretrainedReport } from '../engine/backbones/pretrained';
import type { WeightSource, WeightsOpener } from '../engine/backbones/weight-source';
import { makeRng } from '../engine/rng';
import { disposeSegmenterBatch, makeSegmenterBatch, SegmenterModel, segmenterEngineConfig, type LabelledImage, type SegmenterStepResult } from '../engine/segmenter';
import type { EngineState } from '../engine/types';
import { stepSeed } from './engine-adapter';

export interface SegmenterTrainerEngine {
  /** One step on decoded images and masks (augmented inside, seeded by `step`); `lrFactor` is the schedule's. */
  trainStep(items: LabelledImage[], step: number, lrFactor: number): Promise<SegmenterStepResult>;
  exportState(step: number): Promise<EngineState>;
  importState(state: EngineState): Promise<void>;
  /** Assign the backbone from `source` (a warm start; the head stays as initialised); all of it or nothing. */
  loadBackbone(source: WeightSource): Promise<PretrainedReport>;
  numTensors(): number;
  dispose(): void;
}

export interface SegmenterEngineOptions {
  /** Opens `config.pretrained` (a store name or a file). */
  openWeights?: WeightsOpener;
  /** A checkpoint is imported right after: the pretrained weights are not read. */
  restoring?: boolean;
}

export type SegmenterEngineFactory = (config: SegmenterConfig, numForegroundClasses: number, log?: (level: 'info' | 'warning', message: string) => void, options?: SegmenterEngineOptions) => Promise<SegmenterTrainerEngine>;

export const createSegmenterEngine: SegmenterEngineFactory = async (config, numForegroundClasses, log, options = {}) => {
  const model = await SegmenterModel.create(segmenterEngineConfig(config, numForegroundClasses), { pretrained: config.pretrained, openWeights: options.openWeights, restoring: options.restoring });
  for (const report of model.pretrained) log?.('info', `The backbone starts from pretrained weights ${config.pretrained ?? '?'}: ${report.loaded.length} tensors${report.ignored.length ? `, ${report.ignored.length} of the file's unused (e.g. ${report.ignored[0]})` : ''}.`);
  return {
    trainStep: async (items, step, lrFactor) => {
      const batch = makeSegmenterBatch(items, model.batchOptions, makeRng(stepSeed(config.seed, step)));
      try {
        return await model.step(batch, lrFactor);
      } finally {
        disposeSegmenterBatch(batch);
      }
    },
    exportState: () => model.getState(),
    importState: async (state) => {
      model.setState(state);
      await Promise.resolve();
    },
    loadBackbone: (source) => model.network.loadPretrained(source),
    numTensors: () => tf.memory().numTensors,
    dispose: () => model.dispose(),
  };
};
