/**
 * The engine's configuration: the training settings whose consumer is "engine" (the one table,
 * src-shared/domain/train-config.ts), copied mechanically, plus a few engine-only values that are
 * not settings. There is no second schema and no second set of defaults: a setting reaches the
 * engine by being declared `consumer: 'engine'` in the table, and nothing else.
 * tf-free, so the CLI and the trainer's error classification can import it cheaply.
 */
import { DEFAULTS, ENGINE_SETTING_KEYS, TrainConfig, TrainConfigFields, type EngineSettingKey, type OptimizerName, type SettingKey } from '@shared/domain/train-config';

/** A training config the engine cannot run; the trainer reports it as BAD_CONFIG. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Engine-only values: the reference's (and PyTorch's) constants, not settings. One becomes a
 * setting by moving it into the table with `consumer: 'engine'` (its default: the value here).
 */
export const ENGINE_CONSTANTS = {
  /** BatchNorm running-statistics momentum (PyTorch semantics: new = (1−m)·old + m·batch). */
  bnMomentum: 0.1,
  bnEpsilon: 1e-5,
  /** Adam β1 / β2: the reference's Adam uses betas=(0.5, 0.999). */
  adamBeta1: 0.5,
  adamBeta2: 0.999,
  /** RMSprop smoothing constant (PyTorch `alpha`). */
  rmspropRho: 0.99,
  optimizerEpsilon: 1e-8,
} as const;
type Widen<T> = T extends number ? number : T extends boolean ? boolean : T;
type EngineConstants = { [K in keyof typeof ENGINE_CONSTANTS]: Widen<(typeof ENGINE_CONSTANTS)[K]> };
/** A value is a setting or an engine constant, never both (a compile error names the key). */
export type ConstantsAreNotSettings = AssertNever<Extract<keyof typeof ENGINE_CONSTANTS, SettingKey>>;
type AssertNever<T extends never> = T;

export type EaderConfig = Pick<TrainConfig, EngineSettingKey> &
  EngineConstants & {
  /** Foreground classes K (dataset class c ≥ 1 is engine class c − 1; background is not a logit). */
  numClasses: number;
};

/** What one EngineOptimizer needs. */
export interface OptimizerConfig {
  kind: OptimizerName;
  lr: number;
  /** SGD momentum (PyTorch semantics, dampening 0). */
  momentum: number;
  /** L2 weight decay added to the gradient (PyTorch `weight_decay`). */
  weightDecay: number;
  beta1: number;
  beta2: number;
  rho: number;
  epsilon: number;
}

export function optimizerConfig(config: EaderConfig): OptimizerConfig {
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

/** `config` checked against the table's schema, or a ConfigError naming the first bad setting. */
export function checkTrainConfig(config: unknown): TrainConfig {
  const parsed = TrainConfig.safeParse(config);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'} ${i.message}`);
  throw new ConfigError(`Invalid training settings: ${issues.join('; ')}.`);
}

/** The engine's config for a run's settings and its dataset's foreground class count. */
export function engineConfig(config: TrainConfig, numForegroundClasses: number): EaderConfig {
  const checked = checkTrainConfig(config);
  if (!Number.isInteger(numForegroundClasses) || numForegroundClasses < 1) {
    throw new ConfigError(`The dataset needs at least one foreground class, got ${numForegroundClasses}.`);
  }
  const picked = Object.fromEntries(ENGINE_SETTING_KEYS.map((key) => [key, checked[key]])) as Pick<TrainConfig, EngineSettingKey>;
  return { ...ENGINE_CONSTANTS, ...picked, numClasses: numForegroundClasses };
}

/**
 * Checks a config built by hand (specs, benches, the data-parallel worker): each engine setting
 * within its table bounds, and the engine values. The rules between settings (e.g. the smallest
 * image a backbone's cams can localise in) decide what a *run* may be: the trainer and the CLI
 * apply them (checkTrainConfig); the engine itself computes on any size its bounds allow.
 */
export function checkEngineConfig(config: EaderConfig): EaderConfig {
  const settings: Record<string, unknown> = { ...DEFAULTS };
  for (const key of ENGINE_SETTING_KEYS) settings[key] = config[key];
  const parsed = TrainConfigFields.safeParse(settings); // the trainer's settings are valid defaults here: every issue is the engine's
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'} ${i.message}`);
    throw new ConfigError(`Invalid training settings: ${issues.join('; ')}.`);
  }
  if (!Number.isInteger(config.numClasses) || config.numClasses < 1) throw new ConfigError(`Invalid engine config: numClasses must be a whole number ≥ 1, got ${config.numClasses}.`);
  for (const key of Object.keys(ENGINE_CONSTANTS) as (keyof typeof ENGINE_CONSTANTS)[]) {
    const value: unknown = config[key];
    const ok = typeof ENGINE_CONSTANTS[key] === 'boolean' ? typeof value === 'boolean' : typeof value === 'number' && Number.isFinite(value) && value >= 0;
    if (!ok) throw new ConfigError(`Invalid engine config: ${key} must be ${typeof ENGINE_CONSTANTS[key] === 'boolean' ? 'true or false' : 'a finite number ≥ 0'}, got ${String(value)}.`);
  }
  return config;
}
