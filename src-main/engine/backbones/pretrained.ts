/**
 * Pretrained backbone weights from a LOCAL file (never downloads). Accepted files:
 *  - a tfjs LayersModel `model.json` (its `weightsManifest` and .bin shards beside it), or
 *  - a tfjs weights manifest (`weights_manifest.json`: an array of {paths, weights}).
 * Only float32, unquantised weights. Name mapping to the backbone's torchvision names:
 *  1. `/` becomes `.`;
 *  2. Keras suffixes map to PyTorch ones: kernel→weight, gamma→weight, beta→bias,
 *     moving_mean→running_mean, moving_variance→running_var;
 *  3. leading segments are dropped until the name is known (`module.`, `resnet50.`, `backbone.`);
 *  4. names still unknown (`fc.*`, `num_batches_tracked`, …) are ignored and reported.
 * Layout: tensors already in tfjs layout are used as is; PyTorch layouts are transposed
 * (conv OIHW → HWIO, dense [out,in] → [in,out]). Every backbone parameter must be found.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../params';

export interface PretrainedReport {
  file: string;
  loaded: string[];
  ignored: string[];
}

interface ManifestGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype?: string; quantization?: unknown }[];
}

const SUFFIXES: [string, string][] = [
  ['kernel', 'weight'],
  ['gamma', 'weight'],
  ['beta', 'bias'],
  ['moving_mean', 'running_mean'],
  ['moving_variance', 'running_var'],
];

/** Map a file's weight name to a store name, or null. */
export function mapWeightName(raw: string, known: (name: string) => boolean): string | null {
  const parts = raw.replace(/\//g, '.').replace(/:\d+$/, '').split('.');
  const last = parts[parts.length - 1] ?? '';
  const mapped = SUFFIXES.find(([from]) => from === last);
  if (mapped) parts[parts.length - 1] = mapped[1];
  for (let start = 0; start < parts.length - 1; start++) {
    const candidate = parts.slice(start).join('.');
    if (known(candidate)) return candidate;
  }
  return null;
}

function parseManifest(json: unknown, file: string): ManifestGroup[] {
  const groups = Array.isArray(json) ? json : (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(groups)) throw new Error(`${file}: neither a tfjs model.json (with weightsManifest) nor a weights manifest array`);
  return groups.map((g, i) => {
    const group = g as Partial<ManifestGroup>;
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new Error(`${file}: manifest group ${i} lacks paths/weights`);
    return group as ManifestGroup;
  });
}

function permuteToStore(name: string, data: Float32Array, shape: number[], target: readonly number[]): tf.Tensor {
  const same = (s: readonly number[]) => s.length === target.length && s.every((d, i) => d === target[i]);
  if (same(shape)) return tf.tensor(data, shape);
  if (shape.length === 4) {
    const [o, i, h, w] = shape as [number, number, number, number];
    if (same([h, w, i, o])) return tf.tidy(() => tf.transpose(tf.tensor4d(data, [o, i, h, w]), [2, 3, 1, 0]));
  }
  if (shape.length === 2 && same([shape[1] ?? 0, shape[0] ?? 0])) return tf.tidy(() => tf.transpose(tf.tensor2d(data, shape as [number, number])));
  throw new Error(`pretrained ${name}: shape [${shape.join(',')}] fits neither [${target.join(',')}] nor its PyTorch layout`);
}

export async function loadPretrained(file: string, store: ParamStore): Promise<PretrainedReport> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read pretrained weights ${file}: ${(err as Error).message}`);
  }
  const groups = parseManifest(json, file);
  const report: PretrainedReport = { file, loaded: [], ignored: [] };
  const isBackbone = (n: string): boolean => store.has(n) && !n.startsWith('fc.');
  const seen = new Set<string>();
  for (const group of groups) {
    const shards = await Promise.all(group.paths.map((p) => readFile(join(dirname(file), p))));
    const bytes = Buffer.concat(shards);
    let offset = 0;
    for (const w of group.weights) {
      const dtype = w.dtype ?? 'float32';
      if (w.quantization !== undefined || dtype !== 'float32') {
        throw new Error(`${file}: weight ${w.name} is ${w.quantization ? 'quantized' : dtype}; only float32 is supported`);
      }
      const count = w.shape.reduce((a, b) => a * b, 1);
      if (offset + count * 4 > bytes.length) throw new Error(`${file}: weight data ends early at ${w.name}`);
      const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4));
      offset += count * 4;
      const name = mapWeightName(w.name, isBackbone);
      if (name === null) {
        report.ignored.push(w.name);
        continue;
      }
      const target = store.get(name).shape;
      const t = permuteToStore(w.name, data, w.shape, target);
      store.assignTensor(name, t);
      t.dispose();
      seen.add(name);
      report.loaded.push(name);
    }
  }
  const missing = store.names().filter((n) => isBackbone(n) && !seen.has(n));
  if (missing.length > 0) {
    throw new Error(
      `${file}: ${missing.length} backbone parameters not found (e.g. ${missing.slice(0, 5).join(', ')}); ` +
        `matched ${report.loaded.length}, ignored ${report.ignored.length}`,
    );
  }
  return report;
}
