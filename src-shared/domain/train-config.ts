/**
 * The training settings: every setting once, in one table. Everything else derives from it:
 *   - `TrainConfig`, the strict zod schema (IPC, the trainer protocol, the CLI) and its type;
 *   - `StoredTrainConfig`, the lenient one a run record's config.json is read with;
 *   - the presets (train-presets.ts: adding one is one entry there);
 *   - the CLI flags (src-main/cli/train-options.ts loops over the table);
 *   - the settings form (src-renderer/src/features/training/hyperparameters.ts);
 *   - what the engine receives (src-main/engine/settings.ts: the `engine` settings, mechanically);
 *   - the flag list in docs/training.md (checked by src-main/cli/settings-doc.spec.ts).
 *
 * Adding a setting: one entry here (its default must be what runs did before it existed, see the
 * rule below), then its use where `consumer` says (the engine or the trainer), then
 * `npx tsx scripts/docs-settings.ts` for the docs. Nothing else; specs fail if a part is missing.
 * Adding a preset: one entry in PRESET_TABLE (train-presets.ts).
 *
 * THE RULE FOR OLD RUNS: a run record written before a setting existed lacks its key; when the
 * record is read, the key gets its `default` from this table (StoredTrainConfig). So a new
 * setting's default must reproduce the behaviour runs had without it (hflip: true, because every
 * run before it flipped), and a default must never change meaning later. A key the table does not
 * know is an error (a newer app wrote the run, or the file was edited), never silently dropped.
 */
import { z } from 'zod';
import { BackendName } from './backend-name';
import { bool, choice, float, floatOrNull, int, intOrNull, text, textOrNull, type Setting } from './setting-kinds';

// ---------------------------------------------------------------------------------------------
// names

export const BackboneName = z.enum(['tiny', 'tiny5', 'resnet18', 'resnet50', 'resnet101']);
export type BackboneName = z.infer<typeof BackboneName>;
/** The adversary: its own network, "shared" (the localizer classifies the erased image) or "none". */
export const AdversaryName = z.enum(['none', 'tiny', 'resnet18', 'shared']);
export type AdversaryName = z.infer<typeof AdversaryName>;
export const CamMethod = z.enum(['gradcam', 'cam']);
export type CamMethod = z.infer<typeof CamMethod>;
export const OptimizerName = z.enum(['sgd', 'adam', 'rmsprop']);
export type OptimizerName = z.infer<typeof OptimizerName>;
/** The backend a run asks for: "auto" (the best installed) or one by name. */
export const BackendChoice = z.enum(['auto', ...BackendName.options]);
/** How the learning rate moves over the planned steps (src-main/engine/lr-schedule.ts). */
export const LrScheduleName = z.enum(['constant', 'one-cycle']);
export type LrScheduleName = z.infer<typeof LrScheduleName>;
export type BackendChoice = z.infer<typeof BackendChoice>;

/**
 * Total stride of each backbone's feature map (the engine's Backbone.stride; a spec checks they
 * agree). A cam needs at least 2×2 feature cells to localise anything, hence imageSize ≥ 2·stride.
 */
export const BACKBONE_STRIDE: Record<BackboneName, number> = { tiny: 8, tiny5: 8, resnet18: 32, resnet50: 32, resnet101: 32 };

// ---------------------------------------------------------------------------------------------
// the table (the form shows the groups in this order, and each group's settings in table order)

export const SETTINGS = {
  alpha: float({
    label: 'α — attention mining',
    help: 'Weighs how much the localizer is punished when the adversary still finds the class in the erased image; larger α spreads the attention over more of the object.',
    group: 'method',
    consumer: 'engine',
    min: 0,
    step: 0.01,
    default: 0.05,
  }),
  beta: float({
    label: 'β — cam regularisation',
    help: 'Weighs the mean of the attention map, keeping maps from growing to cover everything (including background).',
    group: 'method',
    consumer: 'engine',
    min: 0,
    step: 1e-6,
    default: 1e-5,
  }),
  omega: float({
    label: 'ω — mask sharpness',
    help: 'Soft mask m = sigmoid(ω·(cam − σ)): larger ω makes the erasing mask closer to a hard threshold (paper: 100).',
    group: 'method',
    consumer: 'engine',
    min: 0,
    exclusiveMin: true,
    default: 100,
  }),
  sigma: float({
    label: 'σ — mask threshold',
    help: 'Cam value where the soft mask crosses ½: pixels above it are erased (paper: 0.5).',
    group: 'method',
    consumer: 'engine',
    min: 0,
    max: 1,
    step: 0.05,
    default: 0.5,
  }),
  camMethod: choice(CamMethod, {
    label: 'Attention maps',
    help: 'Grad-CAM (gradient-weighted feature maps, the paper) or plain CAM (dense-layer weights); with a GAP head they agree after normalisation.',
    group: 'method',
    consumer: 'engine',
    flag: 'cam',
    default: 'gradcam',
  }),
  locSteps: int({
    label: 'T_loc — localizer block',
    help: 'Steps in each localizer block of the alternating schedule; only the localizer’s optimizer steps then.',
    group: 'method',
    consumer: 'engine',
    min: 1,
    default: 200,
  }),
  advSteps: int({
    label: 'T_adv — adversary block',
    help: 'Steps in each adversary block: the adversary learns to find the classes in the erased images.',
    group: 'method',
    consumer: 'engine',
    min: 1,
    default: 200,
  }),
  backbone: choice(BackboneName, {
    label: 'Localizer backbone',
    help: 'The multi-label classifier whose attention maps become the masks (paper: ResNet-101, ImageNet-pretrained).',
    group: 'networks',
    consumer: 'engine',
    default: 'resnet50',
  }),
  adversary: choice(AdversaryName, {
    label: 'Adversary',
    help: 'The second classifier that sees only erased images (paper: ResNet-18); "shared" lets the localizer judge its own erased images; "none" drops the erasing loss.',
    group: 'networks',
    consumer: 'engine',
    default: 'resnet18',
  }),
  pretrained: textOrNull({
    label: 'Localizer weights',
    help: 'Pretrained weights for the localizer backbone: a name in the weights store (eader weights list) or a weights file (.pth, .safetensors, tfjs); none trains from scratch. The paper starts from ImageNet (eader weights download resnet101).',
    group: 'networks',
    consumer: 'engine',
    nullWord: 'none',
    weightsFor: 'backbone',
    default: null,
  }),
  adversaryPretrained: textOrNull({
    label: 'Adversary weights',
    help: 'Pretrained weights for the adversary backbone, the same way (the reference: ImageNet ResNet-18); needs an adversary network of its own, not none or shared.',
    group: 'networks',
    consumer: 'engine',
    nullWord: 'none',
    weightsFor: 'adversary',
    default: null,
  }),
  backboneLrScale: float({
    label: 'Backbone learning-rate factor',
    help: 'Both backbones step at lr × this, the new classifier head at lr (two parameter groups); below 1 fine-tunes pretrained backbones gently. The reference trains everything at one rate: 1.',
    group: 'optimisation',
    consumer: 'engine',
    min: 0,
    exclusiveMin: true,
    max: 1,
    step: 0.05,
    default: 1,
  }),
  freezeBatchNorm: bool({
    label: 'Freeze BatchNorm statistics',
    help: 'Normalise with the running statistics in training too and never update them (γ and β still learn); usual for pretrained backbones at small batches. The reference updates them: off.',
    group: 'optimisation',
    consumer: 'engine',
    default: false,
  }),
  optimizer: choice(OptimizerName, {
    label: 'Optimizer',
    help: 'SGD with momentum is the paper’s; Adam converges faster on small runs.',
    group: 'optimisation',
    consumer: 'engine',
    default: 'sgd',
  }),
  lr: float({
    label: 'Learning rate',
    help: 'Step size of both optimizers (paper: 0.01 with SGD).',
    group: 'optimisation',
    consumer: 'engine',
    min: 0,
    exclusiveMin: true,
    step: 0.001,
    default: 0.01,
  }),
  lrSchedule: choice(LrScheduleName, {
    label: 'Learning-rate schedule',
    help: 'constant: lr throughout (the reference); one-cycle: a linear warm-up over the first 15 % of the planned steps, then a cosine down to 2 % of lr at the end (the plan is the time budget’s steps when there is one).',
    group: 'optimisation',
    consumer: 'trainer',
    default: 'constant',
  }),
  momentum: float({
    label: 'Momentum',
    help: 'SGD momentum (PyTorch semantics, dampening 0); ignored by Adam and RMSprop.',
    group: 'optimisation',
    consumer: 'engine',
    min: 0,
    max: 1,
    step: 0.05,
    default: 0.9,
  }),
  weightDecay: float({
    label: 'Weight decay',
    help: 'L2 penalty added to every gradient (PyTorch weight_decay; paper: 1e-4).',
    group: 'optimisation',
    consumer: 'engine',
    min: 0,
    step: 1e-5,
    default: 1e-4,
  }),
  batchSize: int({
    label: 'Batch size',
    help: 'Images per step; memory grows with it and with the image size (paper: 16).',
    group: 'optimisation',
    consumer: 'trainer',
    min: 1,
    max: 256,
    default: 16,
  }),
  epochs: int({
    label: 'Epochs',
    help: 'Passes over the training split (paper: 10).',
    group: 'optimisation',
    consumer: 'trainer',
    min: 1,
    max: 10_000,
    default: 10,
  }),
  maxSteps: intOrNull({
    label: 'Max steps',
    help: 'Stop after this many global steps, whatever the epochs say; none for no limit.',
    group: 'optimisation',
    consumer: 'trainer',
    min: 1,
    nullWord: 'none',
    default: null,
  }),
  timeBudget: floatOrNull({
    label: 'Time budget (min)',
    help: 'Train for at most this many minutes (resumed sessions count together): the steps that fit are planned after the first few, the lr schedule runs over them, and the run stops with a checkpoint; none trains for the epochs.',
    group: 'optimisation',
    consumer: 'trainer',
    min: 0,
    exclusiveMin: true,
    max: 100_000,
    step: 0.5,
    nullWord: 'none',
    default: null,
  }),
  seed: int({
    label: 'Seed',
    help: 'Seeds the weights, the shuffling and the crops: the same seed gives the same run, and a resumed run sees the same crops.',
    group: 'optimisation',
    consumer: 'engine',
    min: 0,
    max: 0xffff_ffff,
    default: 0,
  }),
  imageSize: int({
    label: 'Image size (px)',
    help: 'Training crops are resized to this square (paper: 448); cost grows with its square. At least twice the backbone’s stride (16 for tiny, 64 for the ResNets).',
    group: 'data',
    consumer: 'engine',
    min: 2 * Math.min(...Object.values(BACKBONE_STRIDE)),
    max: 1024,
    default: 448,
  }),
  cropMinScale: float({
    label: 'Crop min scale',
    help: 'Random resized crop keeps at least this fraction of the image area (torchvision’s default: 0.08).',
    group: 'data',
    consumer: 'engine',
    min: 0,
    exclusiveMin: true,
    max: 1,
    step: 0.05,
    default: 0.08,
  }),
  hflip: bool({
    label: 'Horizontal flips',
    help: 'Mirror each training crop with probability ½ (torchvision’s RandomHorizontalFlip, as the reference).',
    group: 'data',
    consumer: 'engine',
    default: true,
  }),
  trainSplit: text({
    label: 'Training split',
    help: 'The dataset split whose labelled images are trained on.',
    group: 'data',
    consumer: 'trainer',
    default: 'train',
  }),
  cacheMaxSide: int({
    label: 'Decode cache side (px)',
    help: 'Decoded images are kept in memory at this longest side; bounds memory on big datasets.',
    group: 'data',
    consumer: 'trainer',
    min: 16,
    max: 4096,
    default: 512,
  }),
  cacheMegabytes: int({
    label: 'Decode cache (MiB)',
    help: 'At most this much memory holds decoded training images, however many the dataset has; past it, images are decoded again on each use (0: none kept).',
    group: 'data',
    consumer: 'trainer',
    min: 0,
    max: 1048576,
    default: 1024,
  }),
  backend: choice(BackendChoice, {
    label: 'Backend',
    help: 'auto picks the best available: webgpu on a GPU, tfjs-node-gpu (CUDA), tfjs-node, wasm, then cpu; a software WebGPU adapter only when webgpu is chosen here.',
    group: 'compute',
    consumer: 'trainer',
    default: 'auto',
  }),
  workers: intOrNull({
    label: 'Training threads (wasm)',
    help: 'On the wasm backend, 1 thread or 2 (data-parallel: each on half of every batch); auto: EADER_TRAIN_WORKERS, else 2 when 2 cores exist.',
    group: 'compute',
    consumer: 'trainer',
    min: 1,
    max: 2,
    nullWord: 'auto',
    default: null,
  }),
  checkpointEvery: int({
    label: 'Checkpoint every',
    help: 'Steps between checkpoints (and one at each epoch end); a crash resumes from the newest.',
    group: 'compute',
    consumer: 'trainer',
    min: 1,
    default: 500,
  }),
  keepCheckpoints: int({
    label: 'Checkpoints kept',
    help: 'The newest this many are kept, and the best one besides.',
    group: 'compute',
    consumer: 'trainer',
    min: 1,
    max: 100,
    default: 3,
  }),
  sampleEvery: int({
    label: 'Erasure round every',
    help: 'Steps between erasure-round samples in the gallery (0 = none).',
    group: 'compute',
    consumer: 'trainer',
    min: 0,
    default: 200,
  }),
  sampleImages: int({
    label: 'Gallery images',
    help: 'How many fixed training images the gallery follows.',
    group: 'compute',
    consumer: 'trainer',
    min: 0,
    max: 16,
    default: 4,
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
/** A key's table entry, as the general Setting type (for code that handles every kind). */
export const settingOf = (key: SettingKey): Setting => SETTINGS[key];
/** The settings the engine's config is made of (consumer "engine"). */
export type EngineSettingKey = { [K in SettingKey]: (typeof SETTINGS)[K]['consumer'] extends 'engine' ? K : never }[SettingKey];
export const ENGINE_SETTING_KEYS = SETTING_KEYS.filter((k) => SETTINGS[k].consumer === 'engine') as EngineSettingKey[];

// ---------------------------------------------------------------------------------------------
// schemas

type Shape = { [K in SettingKey]: (typeof SETTINGS)[K]['schema'] };
type DefaultedShape = { [K in SettingKey]: z.ZodDefault<(typeof SETTINGS)[K]['schema']> };

function shapeOf<T>(make: (key: SettingKey) => T): Record<SettingKey, T> {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, make(k)])) as Record<SettingKey, T>;
}

/** Adversaries that are a network of their own (the others: none, or the localizer itself). */
const OWN_ADVERSARIES: readonly unknown[] = ['tiny', 'resnet18'] satisfies AdversaryName[];

type RuleInput = { imageSize?: unknown; backbone?: unknown; adversary?: unknown; adversaryPretrained?: unknown };

/** Combinations no network can be built from (the engine refuses them too). Bounds of one setting are in its table entry. */
function consistencyRules(config: RuleInput, ctx: z.RefinementCtx): void {
  const { adversary, adversaryPretrained } = config;
  if (typeof adversaryPretrained === 'string' && typeof adversary === 'string' && !OWN_ADVERSARIES.includes(adversary)) {
    ctx.addIssue({
      code: 'custom',
      path: ['adversaryPretrained'],
      message: `needs an adversary network of its own (tiny or resnet18), but the adversary is ${adversary}`,
    });
  }
}

/** What a training run may be: combinations the networks compute but that cannot localise. */
function runRules(config: RuleInput, ctx: z.RefinementCtx): void {
  const { imageSize, backbone } = config;
  if (typeof imageSize !== 'number' || typeof backbone !== 'string' || !(backbone in BACKBONE_STRIDE)) return;
  const stride = BACKBONE_STRIDE[backbone as BackboneName];
  if (imageSize < 2 * stride) {
    ctx.addIssue({
      code: 'custom',
      path: ['imageSize'],
      message: `must be at least ${2 * stride} for the ${backbone} backbone (stride ${stride}: a smaller image gives under 2×2 feature cells, and a cam cannot localise in one)`,
    });
  }
}

function crossFieldRules(config: RuleInput, ctx: z.RefinementCtx): void {
  consistencyRules(config, ctx);
  runRules(config, ctx);
}

const TrainConfigShape = z.object(shapeOf((k) => SETTINGS[k].schema) as Shape).strict();

/**
 * Every setting within its own bounds and in a combination a network can be built from, but without
 * the run rules (the smallest image a backbone's cams localise in): what the engine checks.
 */
export const TrainConfigFields = TrainConfigShape.superRefine(consistencyRules);

/** Everything that decides a training run: every setting, no other key, and the rules between settings. */
export const TrainConfig = TrainConfigShape.superRefine(crossFieldRules);
export type TrainConfig = z.infer<typeof TrainConfig>;

/** A run record's config: a missing key gets its table default (the rule above); an unknown key is an error. */
export const StoredTrainConfig = z
  .object(shapeOf((k) => (SETTINGS[k].schema as z.ZodType).default(SETTINGS[k].default)) as unknown as DefaultedShape)
  .strict()
  .superRefine(crossFieldRules);

/** The table's defaults: the paper's settings (DESIGN.md §1). */
export const DEFAULTS = TrainConfig.parse(shapeOf((k) => SETTINGS[k].default));
