/**
 * The segmenter engine's configuration: the segmenter table's `engine` settings
 * (src-shared/domain/segmenter-config.ts), copied mechanically, plus the engine constants the
 * localizer uses (BN, optimizer constants) and the poly schedule's power. No second schema: a
 * setting reaches the segmenter by being declared `consumer: 'engine'` in its table.
 * tf-free, so the CLI can import it cheaply.
 */
import { SEGMENTER_ENGINE_KEYS, SEGMENTER_DEFAULTS, SegmenterConfig, type SegmenterEngineKey } from '@shared/domain/segmenter-config';
import { ConfigError, ENGINE_CONSTANTS, type OptimizerConfig } from '../settings';

/** Engine-only values of the segmenter that are not settings. */
export const SEGMENTER_CONSTANTS = {
  /** DeepLab's "poly" learning-rate policy: lr·(1 − t/T)^power. */
  polyPower: 0.9,
} as const;

export type SegmenterEngineConfig = Pick<SegmenterConfig, SegmenterEngineKey> &
  { [K in keyof typeof ENGINE_CONSTANTS]: number } &
  { [K in keyof typeof SEGMENTER_CONSTANTS]: number } & {
    /** Foreground classes K; the network has K + 1 outputs (background first, dataset class c at c). */
    numClasses: number;
  };

/** `config` checked against the table's schema, or a ConfigError naming the first bad setting. */
export function checkSegmenterConfig(config: unknown): SegmenterConfig {
  const parsed = SegmenterConfig.safeParse(config);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'} ${i.message}`);
  throw new ConfigError(`Invalid segmenter settings: ${issues.join('; ')}.`);
}

/** The segmenter engine's config for a run's settings and its dataset's foreground class count. */
export function segmenterEngineConfig(config: SegmenterConfig, numForegroundClasses: number): SegmenterEngineConfig {
  const checked = checkSegmenterConfig(config);
  if (!Number.isInteger(numForegroundClasses) || numForegroundClasses < 1) {
    throw new ConfigError(`The dataset needs at least one foreground class, got ${numForegroundClasses}.`);
  }
  const picked = Object.fromEntries(SEGMENTER_ENGINE_KEYS.map((key) => [key, checked[key]])) as Pick<SegmenterConfig, SegmenterEngineKey>;
  return { ...ENGINE_CONSTANTS, ...SEGMENTER_CONSTANTS, ...picked, numClasses: numForegroundClasses };
}

/** Checks a config built by hand (specs): its settings and its class count. */
export function checkSegmenterEngineConfig(config: SegmenterEngineConfig): SegmenterEngineConfig {
  const settings: Record<string, unknown> = { ...SEGMENTER_DEFAULTS };
  for (const key of SEGMENTER_ENGINE_KEYS) settings[key] = config[key];
  checkSegmenterConfig(settings);
  if (!Number.isInteger(config.numClasses) || config.numClasses < 1) throw new ConfigError(`Invalid segmenter config: numClasses must be a whole number ≥ 1, got ${config.numClasses}.`);
  return config;
}

export function segmenterOptimizerConfig(config: SegmenterEngineConfig): OptimizerConfig {
  return {
    kind: config.optimizer,
    lr: config.lr,
    momentum: config.momentum,
    weightDecay: config.weightDecay,
    beta1: config.adamBeta1,
    beta2: config.adamBeta2,
    rho: config.rmspropRho,
    epsilon: config.optimizerEpsilon,
  };
}

/** The poly schedule's factor for step `step` of `totalSteps` (1 at the start, → 0 at the end). */
export function polyFactor(step: number, totalSteps: number, power: number = SEGMENTER_CONSTANTS.polyPower): number {
  if (totalSteps <= 0) return 1;
  return Math.max(0, 1 - Math.min(step, totalSteps) / totalSteps) ** power;
}
