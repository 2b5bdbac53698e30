/**
 * A weights reference is a file path or a store name. Files win when both exist (a path says what
 * it means); a bare name that is neither is an error naming both places looked in. This is what
 * the trainer hands EaderModel.create as `openWeights`, and what a run records (`provenance`).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { WeightsProvenance } from '@shared/domain/weights';
import type { WeightsOpener } from '../engine/backbones/weight-source';
import { detectBackbone } from './detect-backbone';
import { openWeightFile, type OpenedWeights } from './open-weights';
import { sha256File } from './sha256';
import type { WeightsStore } from './store';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function which(ref: string, store: WeightsStore): Promise<'file' | 'store'> {
  if (await isFile(ref)) return 'file';
  if (await store.has(ref)) return 'store';
  throw new Error(`weights '${ref}': no such file, and no entry of that name in ${store.root} (see eader weights list)`);
}

export async function openWeights(ref: string, store: WeightsStore): Promise<OpenedWeights> {
  return (await which(ref, store)) === 'file' ? openWeightFile(ref) : store.open(ref);
}

/** The opener EaderModel.create takes, over `store`. */
export const weightsOpener = (store: WeightsStore): WeightsOpener => (ref) => openWeights(ref, store);

/** What a run records of `ref` (WeightsProvenance, src-shared/domain/weights.ts). */
export async function weightsProvenance(ref: string, store: WeightsStore): Promise<WeightsProvenance> {
  if ((await which(ref, store)) === 'file') {
    const path = resolve(ref);
    const opened = await openWeightFile(path);
    const { backbone } = detectBackbone(opened.tensors, opened.layout);
    await opened.close();
    return { ref, kind: 'file', resolved: path, sha256: await sha256File(path), backbone };
  }
  const entry = await store.entry(ref);
  return { ref, kind: 'store', resolved: entry.name, sha256: entry.sha256, backbone: entry.backbone };
}
