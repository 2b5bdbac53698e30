/** For specs: in-memory WeightSources made from a network's ParamStore, in either layout. */
import type { SourceTensor, WeightLayout, WeightSource } from '../engine/backbones/weight-source';
import { permute } from '../engine/backbones/pretrained';
import type { ParamStore } from '../engine/params';

const TFJS_TO_TORCH: Record<number, number[]> = { 4: [3, 2, 0, 1], 2: [1, 0] };

export function tensorOf(name: string, shape: readonly number[], data: Float32Array): SourceTensor {
  return { name, dtype: 'float32', shape, read: () => Promise.resolve(Float32Array.from(data)) };
}

/** Every parameter of `store`, named `prefix + name`, in the torch layout (OIHW, [out,in]) or as stored. */
export function sourceFromStore(store: ParamStore, layout: Exclude<WeightLayout, 'auto'>, prefix = ''): WeightSource {
  const tensors = store.names().map((name) => {
    const v = store.get(name);
    const data = v.dataSync() as Float32Array;
    const perm = layout === 'torch' ? TFJS_TO_TORCH[v.rank] : undefined;
    if (!perm) return tensorOf(prefix + name, v.shape, data);
    return tensorOf(prefix + name, perm.map((p) => v.shape[p]!), permute(data, v.shape, perm));
  });
  return { file: `memory:${layout}`, layout, tensors };
}
