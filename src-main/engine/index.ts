/**
 * The EADER engine: tfjs only, no electron, no file formats beyond local weight files.
 *
 * Usage (trainer process):
 *   await tf.setBackend(...)                       // see ./backend (owned separately)
 *   const model = await EaderModel.create(engineConfig(trainConfig, K));    // checked (ConfigError)
 *   // pretrained backbones: config.pretrained / adversaryPretrained name a file or a store entry,
 *   // opened by weightsOpener(new WeightsStore()) from src-main/weights/resolve.ts:
 *   const model = await EaderModel.create({ ...config, pretrained: 'resnet101' }, { openWeights });
 *   const resumed = await EaderModel.create(config, { restoring: true }); resumed.setState(state);
 *   const rng = makeRng(model.config.seed);
 *   const batch = makeTrainBatch(rgbImages, datasetLabels, model.config, rng); // {images [B,S,S,3], labels [B,K]}
 *   const r = model.step(batch);                   // {step, phase, losses:{bce,reg,adv,advBce,total}, pairs}
 *   disposeBatch(batch);
 *   const state = model.getState();                // plain typed arrays + JSON → checkpoint
 *   model.setState(state);                         // resume (weights, BN stats, optimizer moments, step)
 *
 * Inference:
 *   const x = imageToTensor(rgb, size?)            // [1,H,W,3], ImageNet-normalised (caller disposes)
 *   model.predict(x)                               // Float32Array [B*K] sigmoid probabilities
 *   model.cams(x, [[0, 4]], {width, height}?)      // per image, per engine class: cam in [0,1]
 *   model.erasureSample(x3d, [0, 4])               // per class: cam, soft mask, erased RGB, adversary prob
 *   await multiScaleCams(model, rgb, classes, {scales, flip, baseScale, outSize})  // cams averaged over scales/flip
 *   await predictedClasses(model, rgb, 0.5)        // engine classes for an image without labels
 *   (the pseudo-mask rule and refinement are src-shared/pseudo/render.ts, shared with the renderer)
 *   new ConfusionMatrix(K + 1).add(gt, pred); .scores()  // IoU/precision/recall, mIoU incl. background
 *
 * Class indices: the engine's logits are the K foreground classes, 0-based. Dataset class c ≥ 1
 * (ImageRecord.labels) is engine class c − 1; makeTrainBatch and the cam cache (pseudo/cam-compute.ts) do the conversion.
 * Tensors passed in stay owned by the caller; every method returning plain data leaks nothing.
 */
export { ConfigError, ENGINE_CONSTANTS, checkEngineConfig, checkTrainConfig, engineConfig, optimizerConfig, type EaderConfig, type OptimizerConfig } from './settings';
export type { ClassCam, EngineState, ErasureRound, GradientResult, LossTerms, Phase, PlainGradients, StepResult, TensorDtype, TensorRecord } from './types';
export type { LossScale } from './train-step';
export { EaderModel, type CreateOptions, type TrainBatch } from './eader-model';
export type { PretrainedReport } from './backbones/pretrained';
export type { SourceTensor, WeightDtype, WeightLayout, WeightSource, WeightsOpener } from './backbones/weight-source';
export { makeRng, type Rng } from './rng';
export { TrainingPhase } from './schedule';
export { IMAGENET_MEAN, IMAGENET_STD, denormalizeToRgb, disposeBatch, imageToTensor, labelsToMultiHot, makeTrainBatch } from './augment';
export { classProbabilities, multiScaleCams, predictedClasses, scaledSize, type MultiScaleOptions } from './infer';
export { ConfusionMatrix, type ClassScore, type SegmentationScores } from './metrics';
