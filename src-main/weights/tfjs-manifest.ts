/**
 * The tfjs formats: a LayersModel `model.json` (its `weightsManifest` and .bin shards beside it) or
 * a bare weights manifest (`weights_manifest.json`: an array of {paths, weights}). Only float32,
 * unquantised weights. Their layout is not recorded in the file, so it is 'auto' (decided per
 * tensor by shape when loading); Keras-style names (`…/kernel`, `moving_mean`) are mapped by the
 * engine's loader.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SourceTensor } from '../engine/backbones/weight-source';
import { elementCount, toFloat32 } from './dtypes';
import type { OpenedWeights } from './open-weights';

interface ManifestGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype?: string; quantization?: unknown }[];
}

function parseManifest(json: unknown, file: string): ManifestGroup[] {
  const groups = Array.isArray(json) ? json : (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(groups)) throw new Error(`${file}: neither a tfjs model.json (with weightsManifest) nor a weights manifest array`);
  return groups.map((g, i) => {
    const group = g as Partial<ManifestGroup>;
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new Error(`${file}: manifest group ${i} lacks paths/weights`);
    if (!group.paths.every((p) => typeof p === 'string' && !p.includes('..'))) throw new Error(`${file}: manifest group ${i} names a shard outside its folder`);
    return group as ManifestGroup;
  });
}

export async function openTfjsManifest(file: string): Promise<OpenedWeights> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not a readable tfjs manifest (${(err as Error).message})`);
  }
  const tensors: SourceTensor[] = [];
  for (const group of parseManifest(json, file)) {
    const shards = await Promise.all(
      group.paths.map((p) =>
        readFile(join(dirname(file), p)).catch((err: unknown) => {
          throw new Error(`${file}: cannot read weight shard ${p}: ${(err as Error).message}`);
        }),
      ),
    );
    const bytes = new Uint8Array(Buffer.concat(shards));
    let offset = 0;
    for (const w of group.weights) {
      const dtype = w.dtype ?? 'float32';
      if (w.quantization !== undefined || dtype !== 'float32') throw new Error(`${file}: weight ${w.name} is ${w.quantization ? 'quantized' : dtype}; only float32 is supported`);
      const length = elementCount(w.shape) * 4;
      if (offset + length > bytes.length) throw new Error(`${file}: weight data ends early at ${w.name} (the shards hold ${bytes.length} bytes)`);
      const slice = bytes.subarray(offset, offset + length);
      offset += length;
      tensors.push({ name: w.name, dtype: 'float32', shape: w.shape, read: () => Promise.resolve(toFloat32(slice, { dtype: 'float32', shape: w.shape }, `${file}: ${w.name}`)) });
    }
  }
  return { file, format: 'tfjs', layout: 'auto', tensors, notes: [], nonTensors: [], close: () => Promise.resolve() };
}
