/** For specs: real weight files on disk, written from a network or from the closed-form formula. */
import { writeFile } from 'node:fs/promises';
import { permute } from '../engine/backbones/pretrained';
import type { ParamStore } from '../engine/params';
import { encodeSafetensors, type PlainTensor } from '../weights/safetensors';
import { closedFormSource } from './closed-form-weights';

const TFJS_TO_TORCH: Record<number, number[]> = { 4: [3, 2, 0, 1], 2: [1, 0] };

/** `store`'s tensors as a PyTorch-layout .safetensors (what timm or a torch script would write), names prefixed. */
export async function writeTorchSafetensors(file: string, store: ParamStore, prefix = '', extra: PlainTensor[] = []): Promise<void> {
  const tensors: PlainTensor[] = store.names().map((name) => {
    const v = store.get(name);
    const data = v.dataSync() as Float32Array;
    const perm = TFJS_TO_TORCH[v.rank];
    return perm ? { name: prefix + name, shape: perm.map((p) => v.shape[p]!), data: permute(data, v.shape, perm) } : { name: prefix + name, shape: v.shape, data };
  });
  await writeFile(file, encodeSafetensors([...tensors, ...extra], { format: 'pt' }));
}

/** The closed-form weights for `store`'s parameters (torchvision names, PyTorch layout) as a .safetensors file. */
export async function writeClosedFormSafetensors(file: string, store: ParamStore): Promise<void> {
  const source = closedFormSource(store);
  const tensors = await Promise.all(source.tensors.map(async (t) => ({ name: t.name, shape: t.shape, data: await t.read() })));
  await writeFile(file, encodeSafetensors(tensors, { format: 'pt' }));
}
