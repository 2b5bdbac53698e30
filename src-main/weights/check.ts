/**
 * `eader weights check`: run a weight set's own classifier — the full network with the file's fc,
 * eval mode (BatchNorm on running statistics) — on one image, through torchvision's eval transform
 * (./eval-transform) and ImageNet mean/std, and report the logits and the top-5 with class names.
 * Logits equal to torchvision's on the same file and image mean the weights loaded right.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '@shared/domain/dataset';
import type { WeightsBackbone } from '@shared/domain/weights';
import { imageToTensor } from '../engine/augment';
import { Classifier } from '../engine/classifier';
import { makeRng } from '../engine/rng';
import { detectBackbone } from './detect-backbone';
import { imagenetEvalImage } from './eval-transform';
import IMAGENET_CLASSES from './imagenet-classes.json';
import { openWeights } from './resolve';
import type { WeightsStore } from './store';

export interface CheckOptions {
  /** Insist on this backbone; default: recognised from the names. */
  backbone?: WeightsBackbone;
  /** Shorter side before the 224 crop (torchvision: 256 for IMAGENET1K_V1, 232 for V2). */
  resize?: number;
}

export interface Prediction {
  index: number;
  /** The ImageNet class name when the head has 1000 outputs, else `class <index>`. */
  name: string;
  logit: number;
  /** Softmax over the head's outputs. */
  probability: number;
}

export interface CheckResult {
  file: string;
  backbone: WeightsBackbone;
  logits: number[];
  top5: Prediction[];
  /** The input the network saw (224×224 unless the image was used as is). */
  input: { width: number; height: number };
}

export const imagenetClassName = (index: number): string => (IMAGENET_CLASSES as string[])[index] ?? `class ${index}`;

export async function checkWeights(ref: string, store: WeightsStore, image: RgbImage, options: CheckOptions = {}): Promise<CheckResult> {
  const opened = await openWeights(ref, store);
  let net: Classifier | null = null;
  try {
    const detected = detectBackbone(opened.tensors, opened.layout);
    if (!detected.backbone) throw new Error(`${opened.file}: the tensor names fit none of the engine's backbones: ${detected.description}`);
    if (options.backbone && options.backbone !== detected.backbone) throw new Error(`${opened.file}: holds a ${detected.backbone} (${detected.description}), not a ${options.backbone}`);
    const classes = detected.headClasses;
    if (classes === null) throw new Error(`${opened.file}: has no classifier head (fc); the check runs the weights' own ImageNet classifier`);
    net = new Classifier(detected.backbone, classes, makeRng(0), { momentum: 0.1, epsilon: 1e-5 });
    await net.loadPretrained(opened, { head: true });
    const input = imagenetEvalImage(image, options.resize ?? 256);
    const x = imageToTensor(input); // [1,224,224,3]
    const y = net.logits(x, false); // [1,classes]
    const logits = Array.from(await y.data());
    tf.dispose([x, y]);
    const max = Math.max(...logits);
    const total = logits.reduce((s, v) => s + Math.exp(v - max), 0);
    const names = classes === IMAGENET_CLASSES.length ? imagenetClassName : (i: number) => `class ${i}`;
    const top5 = logits
      .map((logit, index) => ({ index, logit }))
      .sort((a, b) => b.logit - a.logit)
      .slice(0, 5)
      .map(({ index, logit }) => ({ index, name: names(index), logit, probability: Math.exp(logit - max) / total }));
    return { file: opened.file, backbone: detected.backbone, logits, top5, input: { width: input.width, height: input.height } };
  } finally {
    net?.dispose();
    await opened.close();
  }
}
