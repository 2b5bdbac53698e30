/**
 * Engine configuration: every setting of the EADER method with the paper's default
 * (DESIGN.md §1), validated by zod. `PAPER_DEFAULTS` is the paper; `QUICK_PRESET` is a small
 * CPU-friendly run (tiny backbone, 80 px, batch 8) for demos and smoke tests.
 */
import { z } from 'zod';

export const OptimizerKind = z.enum(['sgd', 'adam', 'rmsprop']);
export type OptimizerKind = z.infer<typeof OptimizerKind>;

const OptimizerFields = z.object({
  kind: OptimizerKind.default('sgd'),
  lr: z.number().positive().default(0.01),
  /** SGD momentum (PyTorch semantics, dampening 0). */
  momentum: z.number().min(0).max(1).default(0.9),
  /**
   * L2 weight decay added to the gradient (PyTorch `weight_decay`). Default as the reference's
   * load_optimizer: 1e-4 for SGD, 0 for Adam and RMSprop.
   */
  weightDecay: z.number().min(0).optional(),
  /** Adam β1 / β2 (the reference's Adam uses betas=(0.5, 0.999)). */
  beta1: z.number().min(0).max(1).default(0.5),
  beta2: z.number().min(0).max(1).default(0.999),
  /** RMSprop smoothing constant (PyTorch `alpha`, default 0.99). */
  rho: z.number().min(0).max(1).default(0.99),
  epsilon: z.number().positive().default(1e-8),
});
export const OptimizerConfig = OptimizerFields.transform((o) => ({ ...o, weightDecay: o.weightDecay ?? (o.kind === 'sgd' ? 1e-4 : 0) }));
export type OptimizerConfig = z.output<typeof OptimizerConfig>;

export const BackboneKind = z.enum(['tiny', 'tiny5', 'resnet18', 'resnet50', 'resnet101']);
export type BackboneKind = z.infer<typeof BackboneKind>;
export const AdversaryKind = z.enum(['none', 'tiny', 'resnet18', 'shared']);
export type AdversaryKind = z.infer<typeof AdversaryKind>;
export const CamMode = z.enum(['gradcam', 'cam']);
export type CamMode = z.infer<typeof CamMode>;

export const EaderConfigSchema = z.object({
  /** Foreground classes K (dataset class c ≥ 1 is engine class c − 1; background is not a logit). */
  numClasses: z.number().int().min(1),
  /** α: weight of the adversarial (attention) term in the localizer loss. */
  alpha: z.number().min(0).default(0.05),
  /** β: weight of the mean-cam regulariser in the localizer loss. */
  beta: z.number().min(0).default(1e-5),
  /** ω: steepness of the soft mask sigmoid. */
  omega: z.number().positive().default(100),
  /** σ: threshold of the soft mask. */
  sigma: z.number().min(0).max(1).default(0.5),
  optimizer: OptimizerConfig.default(OptimizerConfig.parse({})),
  /** The adversary's optimizer (the reference has separate flags); default: the same as `optimizer`. */
  adversaryOptimizer: OptimizerConfig.optional(),
  batchSize: z.number().int().min(1).default(16),
  imageSize: z.number().int().min(16).default(448),
  epochs: z.number().int().min(1).default(10),
  /** T_loc: localizer steps per block. */
  locSteps: z.number().int().min(1).default(200),
  /** T_adv: adversary steps per block. */
  advSteps: z.number().int().min(1).default(200),
  /** Smallest area fraction of random resized crop (torchvision RandomResizedCrop default 0.08). */
  cropMinScale: z.number().gt(0).max(1).default(0.08),
  hflip: z.boolean().default(true),
  camMode: CamMode.default('gradcam'),
  backbone: BackboneKind.default('resnet50'),
  adversary: AdversaryKind.default('resnet18'),
  /** BatchNorm running-statistics momentum (PyTorch semantics: new = (1−m)·old + m·batch). */
  bnMomentum: z.number().gt(0).max(1).default(0.1),
  bnEpsilon: z.number().positive().default(1e-5),
  /** Pseudo-mask cam threshold (pixels whose best cam is below it fall to background). */
  camThreshold: z.number().min(0).max(1).default(0.3),
  seed: z.number().int().default(0),
  /** Local file with pretrained localizer backbone weights (tfjs model.json or weights manifest). */
  pretrained: z.string().optional(),
  /** Local file with pretrained adversary backbone weights. */
  adversaryPretrained: z.string().optional(),
});
export type EaderConfig = z.infer<typeof EaderConfigSchema>;
export type EaderConfigInput = z.input<typeof EaderConfigSchema>;

/** Parse and fill defaults; throws a readable error for bad input. */
export function resolveConfig(input: EaderConfigInput): EaderConfig {
  const parsed = EaderConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid EADER config: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** The paper's settings except the localizer: ResNet-50 (pass backbone 'resnet101' for the paper's). K=20 (VOC). */
export const PAPER_DEFAULTS: EaderConfig = resolveConfig({ numClasses: 20 });

/** A small run that trains in minutes on one CPU core. */
export const QUICK_PRESET: EaderConfig = resolveConfig({
  numClasses: 20,
  backbone: 'tiny',
  adversary: 'tiny',
  imageSize: 80,
  batchSize: 8,
  epochs: 3,
  locSteps: 20,
  advSteps: 20,
  cropMinScale: 0.35,
  optimizer: { kind: 'adam', lr: 1e-3, weightDecay: 1e-4 },
});
