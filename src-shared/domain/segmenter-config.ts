/**
 * The segmenter's settings: one table, in the style of the localizer's (train-config.ts, whose
 * header says how a table works). Settings that are the same concept as a localizer setting are
 * that setting's entry — same kind, bounds, default, flag — with the segmenter's own label and help
 * where the localizer's text would be wrong for it; the rest are the segmenter's own. Everything
 * else derives from the table: `SegmenterConfig` (strict), `StoredSegmenterConfig` (run records),
 * the presets, the flags of `eader segment`, the Rounds form and the reference in docs/segmenter.md
 * (`npx tsx scripts/docs-settings.ts`; a spec fails when it is stale).
 *
 * The rule for old runs is the localizer's: a new setting's default must reproduce what runs did
 * before it existed.
 */
import { z } from 'zod';
import { BACKBONE_STRIDE, SETTINGS, type BackboneName } from './train-config';
import { bool, choice, float, floatOrNull, int, type Setting } from './setting-kinds';
import { buildSettingsTable } from './settings-table';

/** How the trusted (corrected) masks enter training; docs/segmenter.md has the measurements. */
export const TrustedScheme = z.enum(['mixed', 'trusted-first', 'trusted-last', 'alternate', 'trusted-alone', 'auto']);
export type TrustedScheme = z.infer<typeof TrustedScheme>;
export const OutputStride = z.enum(['8', '16']);
export type OutputStride = z.infer<typeof OutputStride>;
/** What turns the ASPP head's features into logits: DeepLabv3's classifier at the output stride, or DeepLabv3+'s decoder at stride 4. */
export const SegmenterDecoder = z.enum(['none', 'v3plus']);
export type SegmenterDecoder = z.infer<typeof SegmenterDecoder>;

/** A localizer entry with the segmenter's own words (kind, bounds, default and flag stay the shared ones). */
function same<S extends Setting>(entry: S, texts: { label?: string; help?: string } = {}): S {
  return { ...entry, ...texts };
}

export const SEGMENTER_SETTINGS = {
  backbone: same(SETTINGS.backbone, {
    label: 'Backbone',
    help: 'The segmentation network’s feature extractor (DeepLab: ResNet-101, ImageNet-pretrained); tiny trains in minutes on a CPU.',
  }),
  pretrained: same(SETTINGS.pretrained, {
    label: 'Backbone weights',
    help: 'Pretrained weights for the backbone (DeepLab starts from ImageNet): a name in the weights store (eader weights list) or a weights file; none starts from scratch. A warm start from a localizer run (--init-from, the rounds) replaces them.',
  }),
  outputStride: choice(OutputStride, {
    label: 'Output stride',
    help: 'Stride of the feature map the head sees: the ResNets dilate their last stage (16) or two (8) instead of striding; tiny is 8. Smaller is sharper and costlier.',
    group: 'networks',
    consumer: 'engine',
    default: '16',
  }),
  asppChannels: int({
    label: 'ASPP channels',
    help: 'Width of each branch of the atrous spatial pyramid pooling head (DeepLabv3: 256); its rates are sized to the feature map.',
    group: 'networks',
    consumer: 'engine',
    min: 8,
    max: 512,
    default: 256,
  }),
  decoder: choice(SegmenterDecoder, {
    label: 'Decoder',
    help: 'none: DeepLabv3, logits at the output stride; v3plus: DeepLabv3+’s decoder, the head’s features upsampled to stride 4 and joined with the backbone’s stride-4 features by two 3×3 convs, for boundaries that follow the objects at a little more cost.',
    group: 'networks',
    consumer: 'engine',
    default: 'none',
  }),
  backboneLrScale: same(SETTINGS.backboneLrScale, {
    help: 'The backbone steps at lr × this, the ASPP head at lr (two parameter groups); below 1 fine-tunes a pretrained backbone gently.',
  }),
  freezeBatchNorm: same(SETTINGS.freezeBatchNorm, { help: 'Normalise with the running statistics in training too and never update them (γ and β still learn); usual for a pretrained backbone at small batches.' }),
  optimizer: same(SETTINGS.optimizer, { help: 'SGD with momentum is DeepLab’s; Adam converges faster on short CPU runs.' }),
  lr: same(SETTINGS.lr, { help: 'Initial step size; it decays polynomially (power 0.9) to 0 over the planned steps, as DeepLab’s “poly” policy.' }),
  momentum: same(SETTINGS.momentum),
  weightDecay: same(SETTINGS.weightDecay),
  batchSize: same(SETTINGS.batchSize, { help: 'Images per step; memory grows with it and with the image size (DeepLab: 10–16).' }),
  epochs: same(SETTINGS.epochs, { help: 'Passes over the training images (trusted ones counted as often as they are repeated).' }),
  maxSteps: same(SETTINGS.maxSteps),
  timeBudget: floatOrNull({
    label: 'Time budget (min)',
    help: 'Plan the run to end within this many minutes of training (steps from the measured speed, the learning-rate decay over them) and stop cleanly with a checkpoint at the limit; none for no limit.',
    group: 'optimisation',
    consumer: 'trainer',
    min: 0,
    exclusiveMin: true,
    max: 10_080,
    step: 0.5,
    nullWord: 'none',
    default: null,
  }),
  seed: same(SETTINGS.seed),
  imageSize: same(SETTINGS.imageSize, {
    help: 'Training crops (image and mask alike) are resized to this square; at least twice the output stride. Cost grows with its square.',
  }),
  cropMinScale: same(SETTINGS.cropMinScale, { help: 'Random resized crop (the same box for the image and its mask) keeps at least this fraction of the image area.' }),
  hflip: same(SETTINGS.hflip, { help: 'Mirror each training crop and its mask with probability ½.' }),
  trainSplit: same(SETTINGS.trainSplit, { help: 'The dataset split whose images with a pseudo-mask or a trusted mask are trained on.' }),
  cacheMaxSide: same(SETTINGS.cacheMaxSide),
  cacheMegabytes: same(SETTINGS.cacheMegabytes),
  trustedWeight: float({
    label: 'Trusted pixel weight',
    help: 'Each pixel of a trusted (corrected or accepted) mask weighs this much in the loss; a pseudo-mask pixel weighs 1, an ignored (255) one 0.',
    group: 'labels',
    consumer: 'engine',
    min: 0,
    exclusiveMin: true,
    max: 100,
    step: 0.5,
    default: 1,
  }),
  imageLabels: bool({
    label: 'Train within image labels',
    help: 'Restrict each training image’s softmax to background and its image-level labels (every image of a weakly labelled set has them): the network learns where a known class is, not which class it is. Predictions use the labels the same way with labels = image labels.',
    group: 'labels',
    consumer: 'engine',
    default: true,
  }),
  trustedHead: bool({
    label: 'Trusted masks’ own head',
    help: 'Two pixel classifiers over the same features: trusted masks train one, pseudo-masks the other, so the network need not average the localizer’s systematic errors with the exact masks; predictions come from the trusted head once it has trained (the pseudo-mask head before).',
    group: 'labels',
    consumer: 'engine',
    default: false,
  }),
  trustedRepeat: int({
    label: 'Trusted repeats',
    help: 'Each trusted image is sampled this many times per epoch (oversampling); pseudo-masked images once.',
    group: 'labels',
    consumer: 'trainer',
    min: 1,
    max: 50,
    default: 1,
  }),
  trustedScheme: choice(TrustedScheme, {
    label: 'Trusted scheme',
    help: 'mixed: trusted and pseudo-masked images together throughout; trusted-first: the first third of the steps on trusted images alone, then mixed; trusted-last: mixed, then the last third on trusted images alone (fine-tuning on the corrections); alternate: epochs alternate trusted-only and mixed; trusted-alone: the trusted images only, once there is one (the pseudo-masks train a round without corrections); auto: trusted-alone once every class is in enough trusted masks (the next setting), mixed before.',
    group: 'labels',
    consumer: 'trainer',
    default: 'mixed',
  }),
  trustedAloneFrom: int({
    label: 'Trusted alone from (masks per class)',
    help: 'With the auto scheme: train on the trusted masks alone once every class appears in at least this many of them; before that, mixed with the pseudo-masks. A few corrections need the pseudo-masks; enough of them do better without (docs/segmenter.md).',
    group: 'labels',
    consumer: 'trainer',
    min: 1,
    max: 100_000,
    default: 20,
  }),
  backend: same(SETTINGS.backend),
  checkpointEvery: same(SETTINGS.checkpointEvery),
  keepCheckpoints: same(SETTINGS.keepCheckpoints, { help: 'The newest this many are kept, and the best (lowest mean training loss) besides.' }),
} as const;

export type SegmenterSettingKey = keyof typeof SEGMENTER_SETTINGS;

/** Rules between settings; bounds of one setting are in its table entry. */
function segmenterRules(config: { backbone?: unknown; outputStride?: unknown; imageSize?: unknown }, ctx: z.RefinementCtx): void {
  const { backbone, outputStride, imageSize } = config;
  if (backbone === 'tiny' && outputStride !== undefined && outputStride !== String(BACKBONE_STRIDE.tiny)) {
    ctx.addIssue({ code: 'custom', path: ['outputStride'], message: `must be ${BACKBONE_STRIDE.tiny} for the tiny backbone (its own stride; only the ResNets dilate)` });
  }
  const stride = Number(outputStride);
  if (typeof imageSize === 'number' && Number.isFinite(stride) && typeof backbone === 'string' && backbone in BACKBONE_STRIDE && imageSize < 2 * stride) {
    ctx.addIssue({ code: 'custom', path: ['imageSize'], message: `must be at least ${2 * stride} at output stride ${stride} (a smaller crop gives under 2×2 feature cells)` });
  }
}

const BUILT = buildSettingsTable(
  'segmenter settings',
  SEGMENTER_SETTINGS,
  {
    deeplab: {
      label: 'DeepLab (GPU, ResNet-101, 321 px)',
      description: 'DeepLabv3’s recipe: ResNet-101 at output stride 16, ASPP 256, SGD 0.007 with poly decay, 321 px crops, batch 16, 30 epochs. Needs a GPU backend (and pretrained weights to match the papers).',
      settings: { backbone: 'resnet101', outputStride: '16', imageSize: 321, lr: 0.007, epochs: 30, cropMinScale: 0.25 },
    },
    quick: {
      label: 'Quick (CPU, tiny, 64 px)',
      description: 'The tiny backbone at output stride 8 with DeepLabv3+’s decoder, a narrow ASPP, Adam, 64 px crops and a 2-minute budget: a round on two CPU cores (wasm). Corrections are mixed with the pseudo-masks (×3) until every class is in 20 of them, then used alone (docs/segmenter.md has the measurements).',
      settings: {
        backbone: 'tiny',
        outputStride: '8',
        asppChannels: 32,
        decoder: 'v3plus',
        optimizer: 'adam',
        lr: 0.003,
        batchSize: 8,
        epochs: 40,
        timeBudget: 2,
        imageSize: 64,
        cropMinScale: 0.35,
        cacheMaxSide: 160,
        checkpointEvery: 100,
        trustedWeight: 1,
        trustedRepeat: 3,
        trustedScheme: 'auto',
      },
    },
  },
  segmenterRules,
);

export const SEGMENTER_SETTING_KEYS = BUILT.keys;
/** Every setting of a segmenter run, nothing else. */
export const SegmenterConfig = BUILT.schema;
export type SegmenterConfig = z.infer<typeof SegmenterConfig>;
/** A segmenter run record's config: a missing key gets its default, an unknown key is an error. */
export const StoredSegmenterConfig = BUILT.stored;
export const SEGMENTER_DEFAULTS = BUILT.defaults;
export const SegmenterPresetId = z.enum(BUILT.presetIds as ['deeplab', 'quick']);
export type SegmenterPresetId = z.infer<typeof SegmenterPresetId>;
export const SEGMENTER_PRESETS = BUILT.presets;
/** The table as the CLI loop, the form and the docs generator take it. */
export const SEGMENTER_TABLE = BUILT.table;

/** The segmenter settings the engine's config is made of (consumer "engine"). */
export type SegmenterEngineKey = { [K in SegmenterSettingKey]: (typeof SEGMENTER_SETTINGS)[K]['consumer'] extends 'engine' ? K : never }[SegmenterSettingKey];
export const SEGMENTER_ENGINE_KEYS = SEGMENTER_SETTING_KEYS.filter((k) => SEGMENTER_SETTINGS[k].consumer === 'engine') as SegmenterEngineKey[];

/** The stride of a segmenter's feature map. */
export const outputStrideOf = (config: { backbone: BackboneName; outputStride: OutputStride }): 8 | 16 => (config.backbone === 'tiny' ? 8 : config.outputStride === '8' ? 8 : 16);
