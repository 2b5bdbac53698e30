/**
 * Import a weights file into the store, once: read it (any supported format), recognise the
 * backbone from its names, load it into the engine's own network — which checks every name, shape
 * and value, so a file that imports is a file that loads — and write that network's tensors in
 * the engine's layout with the provenance (the source file's SHA-256, where it came from). The
 * file's own classifier head (ImageNet's 1000-way fc) is kept, for `eader weights check`; training
 * drops it for the new K-class head.
 * Runs on the current tfjs backend (the CLI initialises one).
 */
import { basename, extname, resolve } from 'node:path';
import type { WeightsBackbone, WeightsEntry, WeightsSource } from '@shared/domain/weights';
import { Classifier } from '../engine/classifier';
import { makeRng } from '../engine/rng';
import { detectBackbone } from './detect-backbone';
import { openWeightFile } from './open-weights';
import { LAYOUT_KEY, encodeSafetensors, type PlainTensor } from './safetensors';
import { sha256File } from './sha256';
import type { WeightsStore } from './store';

/** A store name from a file name: `resnet50-0676ba61.pth` → `resnet50-0676ba61`. */
export function defaultName(file: string): string {
  const stem = basename(file, extname(file)).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return stem.slice(0, 64) || 'weights';
}

export interface ImportOptions {
  name: string;
  /** Insist on this backbone (an error if the file holds another); default: recognised from the names. */
  backbone?: WeightsBackbone;
  /** Where the file came from (default: the file itself). */
  source?: WeightsSource;
  /** Replace an entry of the same name. */
  replace?: boolean;
  /** The SHA-256 of the file when the caller already has it (a verified download). */
  sha256?: string;
}

export async function importWeights(file: string, store: WeightsStore, options: ImportOptions): Promise<WeightsEntry> {
  const path = resolve(file);
  if (!options.replace && (await store.has(options.name))) throw new Error(`weights named ${options.name} already exist in ${store.root} (choose another --name, or --replace)`);
  const sha256 = options.sha256 ?? (await sha256File(path));
  const opened = await openWeightFile(path);
  let net: Classifier | null = null;
  try {
    const detected = detectBackbone(opened.tensors, opened.layout);
    if (!detected.backbone) throw new Error(`${path}: the tensor names fit none of the engine's backbones (tiny, resnet18, resnet50, resnet101): ${detected.description}`);
    if (options.backbone && options.backbone !== detected.backbone) throw new Error(`${path}: holds a ${detected.backbone} (${detected.description}), not a ${options.backbone}`);
    const head = detected.headClasses;
    net = new Classifier(detected.backbone, head ?? 1, makeRng(0), { momentum: 0.1, epsilon: 1e-5 });
    const report = await net.loadPretrained(opened, { head: head !== null });
    const tensors: PlainTensor[] = [];
    let parameters = 0;
    const trainable = new Set(net.store.trainable().map((p) => p.name));
    for (const name of net.store.names()) {
      if (head === null && name.startsWith('fc.')) continue;
      const v = net.store.get(name);
      tensors.push({ name, shape: v.shape, data: (await v.data()) as Float32Array });
      if (trainable.has(name)) parameters += v.size;
    }
    const bytes = encodeSafetensors(tensors, { [LAYOUT_KEY]: 'tfjs', 'eader.backbone': detected.backbone });
    return await store.put(
      {
        format: 'eader-weights/1',
        name: options.name,
        backbone: detected.backbone,
        headClasses: head,
        sha256,
        source: options.source ?? { kind: 'file', path },
        sourceFormat: opened.format,
        importedAt: new Date().toISOString(),
        tensors: tensors.length,
        parameters,
        ignored: [...report.ignored, ...opened.nonTensors],
      },
      bytes,
      options.replace,
    );
  } finally {
    net?.dispose();
    await opened.close();
  }
}
