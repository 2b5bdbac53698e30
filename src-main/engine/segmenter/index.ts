/**
 * The segmentation network (DeepLab-style): docs/segmenter.md. The trainer, the CLI and the
 * pseudo-mask worker use it through this file.
 */
export { SegmenterModel, SEGMENTER_STATE_FORMAT, type SegmenterCreateOptions, type SegmenterStepResult } from './model';
export { disposeSegmenterBatch, makeSegmenterBatch, type LabelledImage, type SegmenterBatch, type SegmenterBatchOptions } from './batch';
export { multiScaleProbabilities } from './predict';
export { asppRates } from './aspp';
export { checkSegmenterConfig, polyFactor, segmenterEngineConfig, SEGMENTER_CONSTANTS, type SegmenterEngineConfig } from './settings';
