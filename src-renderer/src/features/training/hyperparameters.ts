/** Every TrainConfig field, as the settings form shows it: label, kind, and a one-line explanation. */
import { BackendChoice, type TrainConfig } from '@shared/trainer-protocol';

type Key = keyof TrainConfig;

export interface FieldSpec {
  key: Key;
  label: string;
  kind: 'int' | 'float' | 'choice' | 'text' | 'optional-int';
  help: string;
  options?: readonly string[];
  min?: number;
  max?: number;
  step?: number;
}

export interface FieldGroup {
  title: string;
  fields: FieldSpec[];
}

export const FIELD_GROUPS: FieldGroup[] = [
  {
    title: 'Method (EADER)',
    fields: [
      {
        key: 'alpha',
        label: 'α — attention mining',
        kind: 'float',
        step: 0.01,
        min: 0,
        help: 'Weighs how much the localizer is punished when the adversary still finds the class in the erased image; larger α spreads the attention over more of the object.',
      },
      {
        key: 'beta',
        label: 'β — cam regularisation',
        kind: 'float',
        step: 1e-6,
        min: 0,
        help: 'Weighs the mean of the attention map, keeping maps from growing to cover everything (including background).',
      },
      { key: 'omega', label: 'ω — mask sharpness', kind: 'float', min: 0, help: 'Soft mask m = sigmoid(ω·(cam − σ)): larger ω makes the erasing mask closer to a hard threshold (paper: 100).' },
      { key: 'sigma', label: 'σ — mask threshold', kind: 'float', step: 0.05, min: 0, max: 1, help: 'Cam value where the soft mask crosses ½: pixels above it are erased (paper: 0.5).' },
      { key: 'camMethod', label: 'Attention maps', kind: 'choice', options: ['gradcam', 'cam'], help: 'Grad-CAM (gradient-weighted feature maps, the paper) or plain CAM (dense-layer weights); with a GAP head they agree after normalisation.' },
      { key: 'locSteps', label: 'T_loc — localizer block', kind: 'int', min: 1, help: 'Steps in each localizer block of the alternating schedule; only the localizer’s optimizer steps then.' },
      { key: 'advSteps', label: 'T_adv — adversary block', kind: 'int', min: 1, help: 'Steps in each adversary block: the adversary learns to find the classes in the erased images.' },
    ],
  },
  {
    title: 'Networks',
    fields: [
      { key: 'backbone', label: 'Localizer backbone', kind: 'choice', options: ['resnet101', 'resnet50', 'resnet18', 'tiny'], help: 'The multi-label classifier whose attention maps become the masks (paper: ResNet-101, ImageNet-pretrained).' },
      { key: 'adversary', label: 'Adversary', kind: 'choice', options: ['resnet18', 'tiny', 'shared', 'none'], help: 'The second classifier that sees only erased images (paper: ResNet-18); "shared" lets the localizer judge its own erased images.' },
    ],
  },
  {
    title: 'Optimisation',
    fields: [
      { key: 'optimizer', label: 'Optimizer', kind: 'choice', options: ['sgd', 'adam', 'rmsprop'], help: 'SGD with momentum is the paper’s; Adam converges faster on small runs.' },
      { key: 'lr', label: 'Learning rate', kind: 'float', step: 0.001, min: 0, help: 'Step size of both optimizers (paper: 0.01 with SGD).' },
      { key: 'momentum', label: 'Momentum', kind: 'float', step: 0.05, min: 0, max: 1, help: 'SGD momentum (and RMSprop’s); ignored by Adam.' },
      { key: 'weightDecay', label: 'Weight decay', kind: 'float', step: 1e-5, min: 0, help: 'L2 penalty on the weights (paper: 1e-4).' },
      { key: 'batchSize', label: 'Batch size', kind: 'int', min: 1, max: 256, help: 'Images per step; memory grows with it and with the image size (paper: 16).' },
      { key: 'epochs', label: 'Epochs', kind: 'int', min: 1, help: 'Passes over the training split (paper: 10).' },
      { key: 'maxSteps', label: 'Max steps', kind: 'optional-int', min: 1, help: 'Stop after this many global steps, whatever the epochs say; empty for no limit.' },
      { key: 'seed', label: 'Seed', kind: 'int', min: 0, help: 'Seeds the weights, the shuffling and the crops: the same seed gives the same run, and a resumed run sees the same crops.' },
    ],
  },
  {
    title: 'Data',
    fields: [
      { key: 'imageSize', label: 'Image size (px)', kind: 'int', min: 16, max: 1024, help: 'Training crops are resized to this square (paper: 448); cost grows with its square.' },
      { key: 'cropMinScale', label: 'Crop min scale', kind: 'float', step: 0.05, min: 0.01, max: 1, help: 'Random resized crop keeps at least this fraction of the image area (plus horizontal flips).' },
      { key: 'trainSplit', label: 'Training split', kind: 'text', help: 'The dataset split whose labelled images are trained on.' },
      { key: 'cacheMaxSide', label: 'Decode cache side (px)', kind: 'int', min: 16, max: 4096, help: 'Decoded images are kept in memory at this longest side; bounds memory on big datasets.' },
    ],
  },
  {
    title: 'Compute and bookkeeping',
    fields: [
      { key: 'backend', label: 'Backend', kind: 'choice', options: BackendChoice.options, help: 'auto picks the best available: webgpu on a GPU, tfjs-node-gpu (CUDA), tfjs-node, wasm, then cpu; a software WebGPU adapter only when webgpu is chosen here.' },
      { key: 'checkpointEvery', label: 'Checkpoint every', kind: 'int', min: 1, help: 'Steps between checkpoints (and one at each epoch end); a crash resumes from the newest.' },
      { key: 'keepCheckpoints', label: 'Checkpoints kept', kind: 'int', min: 1, max: 100, help: 'The newest this many are kept, and the best one besides.' },
      { key: 'sampleEvery', label: 'Erasure round every', kind: 'int', min: 0, help: 'Steps between erasure-round samples in the gallery (0 = none).' },
      { key: 'sampleImages', label: 'Gallery images', kind: 'int', min: 0, max: 16, help: 'How many fixed training images the gallery follows.' },
    ],
  },
];

export const ALL_FIELDS: FieldSpec[] = FIELD_GROUPS.flatMap((g) => g.fields);
