/** TrainerEngine over the engine's EaderModel facade (src-main/engine). */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '@shared/domain/dataset';
import type { TrainConfig } from '@shared/domain/train-config';
import { EaderModel, disposeBatch, engineConfig, imageToTensor, makeRng, makeTrainBatch } from '../engine';
import { DataParallelTrainer } from '../engine/parallel/data-parallel';
import { trainReplicas } from '../engine/parallel/replicas';
import type { EngineFactory, TrainerEngine } from './engine-port';
import { errorText } from '@shared/envelope';

/** A per-step seed, so that the crops of step s are the same after a resume. */
export function stepSeed(seed: number, step: number): number {
  return (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0;
}

/** Two wasm replicas when trainReplicas says so (and the worker starts), else null: one thread. */
async function startParallel(model: EaderModel, config: TrainConfig, log: (level: 'info' | 'warning', message: string) => void): Promise<DataParallelTrainer | null> {
  const choice = trainReplicas({ configured: config.workers ?? undefined, backend: tf.getBackend(), batchSize: config.batchSize });
  if (choice.count === 1) return null;
  try {
    const parallel = await DataParallelTrainer.start(model, { onWarning: (message) => log('warning', message) });
    log('info', `Training on ${choice.reason}.`);
    return parallel;
  } catch (error) {
    log('warning', `Cannot start the train worker (${errorText(error)}): training in one thread.`);
    return null;
  }
}

export const createEngine: EngineFactory = async (config, numForegroundClasses, { log = () => undefined, openWeights, restoring } = {}) => {
  const model = await EaderModel.create(engineConfig(config, numForegroundClasses), { openWeights, restoring });
  const parallel = await startParallel(model, config, log);
  const engine: TrainerEngine = {
    trainStep: async (images: RgbImage[], labels: number[][], step: number, lr: number) => {
      model.setLearningRate(() => lr);
      const batch = makeTrainBatch(images, labels, model.config, makeRng(stepSeed(config.seed, step)));
      try {
        return parallel ? await parallel.step(batch) : await model.step(batch);
      } finally {
        disposeBatch(batch);
      }
    },
    predict: async (images: RgbImage[]) => {
      const S = model.config.imageSize;
      const x = tf.tidy(() => tf.concat(images.map((image) => imageToTensor(image, { width: S, height: S })))); // [B,S,S,3]
      try {
        return await model.predict(x);
      } finally {
        x.dispose();
      }
    },
    exportState: () => model.getState(),
    importState: async (state) => {
      model.setState(state);
      await parallel?.syncWorker();
    },
    erasureRounds: async (image, labels) => {
      const x = imageToTensor(image, { width: model.config.imageSize, height: model.config.imageSize }); // [1,S,S,3]
      try {
        const x3 = tf.squeeze(x, [0]) as tf.Tensor3D;
        try {
          return await model.erasureSample(x3, labels.map((c) => c - 1));
        } finally {
          x3.dispose();
        }
      } finally {
        x.dispose();
      }
    },
    numTensors: () => tf.memory().numTensors,
    dispose: () => {
      void parallel?.dispose();
      model.dispose();
    },
  };
  return engine;
};
