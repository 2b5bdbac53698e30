/**
 * For specs: the closed-form weights of scripts/fixtures/closed_form.py, bit for bit (see there for
 * the formula), as a torch-layout WeightSource for any store, and the closed-form uint8 image.
 */
import { readFileSync } from 'node:fs';
import type { RgbImage } from '@shared/domain/dataset';
import type { WeightSource } from '../engine/backbones/weight-source';
import type { ParamStore } from '../engine/params';
import { weightFixture } from './weight-fixtures';

function fnv1a(name: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(name)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

function hash(seed: number, i: number): number {
  let h = (seed ^ Math.imul(i, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

function offsetScale(name: string, shape: readonly number[]): [number, number] {
  if (name.endsWith('running_var')) return [1, 0.5];
  if (name.endsWith('running_mean')) return [0, 0.2];
  if (name.startsWith('fc.')) return name.endsWith('weight') ? [0, 1 / Math.sqrt(shape[1]!)] : [0, 0.1];
  if (shape.length === 4) return [0, Math.sqrt(6 / (shape[1]! * shape[2]! * shape[3]!))];
  if (name.endsWith('weight')) return [0.6, 0.3];
  return [0, 0.2];
}

/** One state_dict tensor's values in PyTorch layout (C order of `torchShape`). */
export function closedFormTensor(name: string, torchShape: readonly number[]): Float32Array {
  const count = torchShape.reduce((a, b) => a * b, 1);
  const [offset, scale] = offsetScale(name, torchShape);
  const seed = fnv1a(name);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = offset + scale * (((hash(seed, i) >>> 8) / 16777216) * 2 - 1);
  return out;
}

/** The closed-form uint8 RGB image [H,W,3]. */
export function closedFormImage(height: number, width: number): RgbImage {
  const seed = fnv1a('image');
  const data = new Uint8Array(height * width * 3);
  for (let i = 0; i < data.length; i++) data[i] = hash(seed, i) >>> 24;
  return { width, height, data };
}

/** Closed-form weights for every parameter of `store`, named as torchvision names them, in PyTorch layout. */
export function closedFormSource(store: ParamStore): WeightSource {
  const tensors = store.names().map((name) => {
    const s = store.get(name).shape;
    const torchShape = s.length === 4 ? [s[3]!, s[2]!, s[0]!, s[1]!] : s.length === 2 ? [s[1]!, s[0]!] : [...s];
    return { name, dtype: 'float32' as const, shape: torchShape, read: () => Promise.resolve(closedFormTensor(name, torchShape)) };
  });
  return { file: 'closed-form', layout: 'torch', tensors };
}

export interface LogitsCase {
  backbone: 'resnet18' | 'resnet50';
  height: number;
  width: number;
  logits: number[];
}

/** torchvision's float64 logits for the closed-form networks (scripts/fixtures/make-resnet-logits.py). */
export function torchvisionLogits(): LogitsCase[] {
  return (JSON.parse(readFileSync(weightFixture('resnet-logits.json'), 'utf8')) as { cases: LogitsCase[] }).cases;
}

/** Indices of the k largest values, largest first. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0))
    .slice(0, k);
}
