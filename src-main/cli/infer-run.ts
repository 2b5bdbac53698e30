/**
 * Pseudo-masks from a trained run (DESIGN.md §1): per image, the cams of its classes (GT labels, or
 * predicted ones above a probability) at full image size, averaged over scales and a horizontal
 * flip, then the pseudo-mask rule (cams below the threshold → 0, background 1e-5, argmax).
 * Writes `<out>/<imageId>.png` (8-bit indexed, VOC palette) and `<out>/infer.json`.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '@shared/domain/dataset';
import { encodeIndexedPng } from '../codecs/indexed-png';
import { initBackend, releaseWebGpu } from '../engine/backend';
import { EaderModel, imageToTensor, pseudoMask, type PseudoMaskCam } from '../engine';
import { readCheckpoint, selectCheckpoint } from '../runs/checkpoints';
import { readRunRecord, runPaths } from '../runs/run-store';
import { writeFileAtomic, writeJsonAtomic } from '../fs/atomic-write';
import { engineConfig } from '../trainer/engine-adapter';
import { imagesOfSplit, loadRgb, openDataset } from '../trainer/dataset-access';

export interface InferOptions {
  run: string;
  dataset: string;
  split: string;
  out: string;
  threshold: number;
  labels: 'gt' | 'predicted';
  /** Probability above which a class counts as present (labels = predicted). */
  labelThreshold: number;
  scales: number[];
  flip: boolean;
  checkpoint: 'best' | 'last';
  /** Compute cams on the image scaled so its longest side is at most this (then upsample); null = full size. */
  maxSide: number | null;
  backend?: string;
  onProgress?: (done: number, total: number, id: string) => void;
}

export interface InferSummary {
  out: string;
  images: number;
  checkpointStep: number;
  backend: string;
  seconds: number;
}

/** Cams of `classes` (engine indices) for one image, averaged over scales × flips, in [0,1], full size. */
export async function multiScaleCams(model: EaderModel, image: RgbImage, classes: number[], scales: number[], flip: boolean, baseScale: number): Promise<Float32Array[]> {
  const { width: W, height: H } = image;
  const sums = classes.map(() => new Float32Array(W * H));
  let passes = 0;
  for (const scale of scales) {
    const s = scale * baseScale;
    const size = { width: Math.max(8, Math.round(W * s)), height: Math.max(8, Math.round(H * s)) };
    const x = imageToTensor(image, size); // [1,h,w,3]
    try {
      for (const mirrored of flip ? [false, true] : [false]) {
        const input = mirrored ? tf.reverse(x, 2) : x;
        try {
          const cams = (await model.cams(input as tf.Tensor4D, [classes], { width: W, height: H }))[0] ?? [];
          cams.forEach((c, k) => {
            const sum = sums[k]!;
            for (let y = 0; y < H; y++) {
              const row = y * W;
              for (let i = 0; i < W; i++) sum[row + i]! += c.cam[row + (mirrored ? W - 1 - i : i)]!;
            }
          });
          passes += 1;
        } finally {
          if (mirrored) input.dispose();
        }
      }
    } finally {
      x.dispose();
    }
  }
  // Mean over passes, then re-normalised to a max of 1 (each pass is already min-max normalised).
  return sums.map((sum) => {
    let max = 0;
    for (let i = 0; i < sum.length; i++) max = Math.max(max, (sum[i]! /= passes));
    if (max > 0) for (let i = 0; i < sum.length; i++) sum[i]! /= max;
    return sum;
  });
}

export async function runInfer(options: InferOptions): Promise<InferSummary> {
  const started = Date.now();
  const record = await readRunRecord(options.run);
  const checkpoint = await selectCheckpoint(runPaths(options.run).checkpoints, options.checkpoint);
  if (!checkpoint) throw new Error(`${resolve(options.run)} has no complete checkpoint yet.`);
  const backend = await initBackend(options.backend ? { force: options.backend } : {});
  const index = await openDataset(options.dataset);
  if (index.classes.join('\n') !== record.dataset.classes.join('\n')) {
    throw new Error(`The dataset's classes (${index.classes.length}) differ from the run's (${record.dataset.classes.length}).`);
  }
  const records = imagesOfSplit(index, options.split);
  const K = index.classes.length - 1;
  const model = await EaderModel.create(engineConfig(record.config, K));
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  try {
    const state = await readCheckpoint(checkpoint.dir);
    model.setState({ step: state.step, tensors: state.tensors, extra: state.extra ?? {} });
    let done = 0;
    for (const rec of records) {
      const image = await loadRgb(index, rec);
      const baseScale = options.maxSide ? Math.min(1, options.maxSide / Math.max(image.width, image.height)) : 1;
      const classes = options.labels === 'gt' ? rec.labels.map((c) => c - 1) : await predictClasses(model, image, baseScale, options.labelThreshold);
      let mask: Uint8Array;
      if (classes.length === 0) mask = new Uint8Array(image.width * image.height);
      else {
        const cams = await multiScaleCams(model, image, classes, options.scales, options.flip, baseScale);
        const input: PseudoMaskCam[] = classes.map((classIndex, k) => ({ classIndex, cam: cams[k]! }));
        mask = pseudoMask(input, image.width, image.height, options.threshold);
      }
      await writeFileAtomic(join(out, `${rec.id}.png`), encodeIndexedPng({ width: image.width, height: image.height, data: mask }));
      done += 1;
      options.onProgress?.(done, records.length, rec.id);
    }
  } finally {
    model.dispose();
    if (backend.name === 'webgpu') releaseWebGpu();
  }
  const summary: InferSummary = { out, images: records.length, checkpointStep: checkpoint.step, backend: backend.name, seconds: (Date.now() - started) / 1000 };
  await writeJsonAtomic(join(out, 'infer.json'), {
    ...summary,
    run: resolve(options.run),
    checkpoint: checkpoint.dir,
    dataset: index.root,
    split: options.split,
    threshold: options.threshold,
    labels: options.labels,
    labelThreshold: options.labelThreshold,
    scales: options.scales,
    flip: options.flip,
    maxSide: options.maxSide,
    classes: index.classes,
  });
  return summary;
}

async function predictClasses(model: EaderModel, image: RgbImage, baseScale: number, threshold: number): Promise<number[]> {
  const size = { width: Math.max(8, Math.round(image.width * baseScale)), height: Math.max(8, Math.round(image.height * baseScale)) };
  const x = imageToTensor(image, size);
  try {
    const probs = await model.predict(x);
    const classes: number[] = [];
    probs.forEach((p, c) => {
      if (p > threshold) classes.push(c);
    });
    return classes;
  } finally {
    x.dispose();
  }
}
