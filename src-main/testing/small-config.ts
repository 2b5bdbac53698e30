/**
 * For specs: the small training config they train with — tiny localizer and tiny adversary at
 * 80 px, Adam, short alternating blocks (the Quick preset before it became the CPU recipe). Specs
 * exercise the adversary and the alternating schedule, so they keep this instead of following the
 * Quick preset (which trains without an adversary, under a time budget).
 */
import { DEFAULTS, TrainConfig } from '@shared/domain/train-config';

export const SMALL_TRAIN_CONFIG: TrainConfig = TrainConfig.parse({
  ...DEFAULTS,
  imageSize: 80,
  batchSize: 8,
  epochs: 3,
  backbone: 'tiny',
  adversary: 'tiny',
  optimizer: 'adam',
  lr: 1e-3,
  locSteps: 20,
  advSteps: 20,
  cropMinScale: 0.35,
  checkpointEvery: 50,
  sampleEvery: 25,
  cacheMaxSide: 160,
});
