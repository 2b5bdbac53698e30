/**
 * Pretrained weights into a network's ParamStore, from a WeightSource (src-main/weights/ opens the
 * files; the engine reads no format itself). Name mapping to the store's torchvision names:
 *  1. `/` becomes `.`, a `:0` suffix is dropped;
 *  2. Keras suffixes map to PyTorch ones: kernel→weight, gamma→weight, beta→bias,
 *     moving_mean→running_mean, moving_variance→running_var;
 *  3. leading segments are dropped until the name is known (`module.`, `resnet50.`, `backbone.`);
 *  4. names still unknown (`fc.*` unless the head is wanted, `num_batches_tracked`, …) are ignored
 *     and reported.
 * Layout by the source's `layout`: 'torch' transposes conv OIHW → HWIO and dense [out,in] → [in,out];
 * 'tfjs' takes shapes as they are; 'auto' decides per tensor by shape. Every parameter the load
 * covers (the backbone; with `head`, also `fc`) must be found exactly once, or nothing is assigned.
 */
import type { ParamStore } from '../params';
import type { SourceTensor, WeightSource } from './weight-source';

export interface PretrainedReport {
  file: string;
  /** Store names assigned. */
  loaded: string[];
  /** File names not used (the ImageNet `fc` when no head is loaded, `num_batches_tracked`, …). */
  ignored: string[];
}

export interface LoadPretrainedOptions {
  /** Also load the classifier head `fc.*` (the ImageNet 1000-way fc for `eader weights check`). Default false. */
  head?: boolean;
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

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** C-order `data` of `shape`, with its axes permuted by `perm` (out axis k = in axis perm[k]). */
export function permute(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1]! * shape[d + 1]!;
  const stridesInOutOrder = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]! += 1;
      src += stridesInOutOrder[d]!;
      if (index[d]! < outShape[d]!) break;
      src -= index[d]! * stridesInOutOrder[d]!;
      index[d] = 0;
    }
  }
  return out;
}

const TORCH_TO_TFJS: Record<number, number[]> = { 4: [2, 3, 1, 0], 2: [1, 0] };

/** The values of `t` in the store's layout, or an error naming both shapes. */
function toStoreLayout(t: SourceTensor, data: Float32Array, layout: WeightSource['layout'], target: readonly number[], file: string): Float32Array {
  const perm = TORCH_TO_TFJS[t.shape.length];
  const permuted = perm ? perm.map((p) => t.shape[p]!) : null;
  if (layout === 'tfjs' || !perm) {
    if (sameShape(t.shape, target)) return data;
  } else if (layout === 'torch') {
    if (permuted && sameShape(permuted, target)) return permute(data, t.shape, perm);
  } else {
    if (sameShape(t.shape, target)) return data;
    if (permuted && sameShape(permuted, target)) return permute(data, t.shape, perm);
  }
  const how = layout === 'torch' ? ' in PyTorch layout' : layout === 'tfjs' ? '' : ' (as is or in PyTorch layout)';
  throw new Error(`${file}: ${t.name} has shape [${t.shape.join(',')}], which does not fit the network's [${target.join(',')}]${how}`);
}

/** Load `source` into `store`; checks every name and shape before assigning anything. */
export async function loadPretrained(source: WeightSource, store: ParamStore, options: LoadPretrainedOptions = {}): Promise<PretrainedReport> {
  const covers = (n: string): boolean => store.has(n) && (options.head === true || !n.startsWith('fc.'));
  const report: PretrainedReport = { file: source.file, loaded: [], ignored: [] };
  const matched = new Map<string, SourceTensor>();
  for (const t of source.tensors) {
    const name = mapWeightName(t.name, covers);
    if (name === null) {
      report.ignored.push(t.name);
      continue;
    }
    const previous = matched.get(name);
    if (previous) throw new Error(`${source.file}: both ${previous.name} and ${t.name} map to ${name}`);
    matched.set(name, t);
  }
  const missing = store.names().filter((n) => covers(n) && !matched.has(n));
  if (missing.length > 0) {
    throw new Error(
      `${source.file}: ${missing.length} ${options.head ? '' : 'backbone '}parameters not found (e.g. ${missing.slice(0, 5).join(', ')}); ` +
        `matched ${matched.size}, ignored ${report.ignored.length}${report.ignored.length ? ` (e.g. ${report.ignored.slice(0, 3).join(', ')})` : ''}`,
    );
  }
  const values = new Map<string, Float32Array>();
  for (const [name, t] of matched) {
    const data = await t.read();
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${source.file}: ${t.name} holds a non-finite value (${data[bad]}) at element ${bad}`);
    values.set(name, toStoreLayout(t, data, source.layout, store.get(name).shape, source.file));
  }
  for (const [name, data] of values) {
    store.assign(name, data, store.get(name).shape);
    report.loaded.push(name);
  }
  return report;
}
