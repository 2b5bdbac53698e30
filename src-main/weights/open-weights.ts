/**
 * Open any supported weights file as a WeightSource, by its content (not its extension):
 *  - a zip → a PyTorch `torch.save` checkpoint (./pth-reader); the legacy pickle format is refused;
 *  - 8-byte length then `{` → `.safetensors` (./safetensors);
 *  - JSON → a tfjs model.json or weights manifest (./tfjs-manifest).
 * The caller closes what it opened (`close()`); tensors read lazily until then.
 */
import { open, stat } from 'node:fs/promises';
import type { WeightSource } from '../engine/backbones/weight-source';
import { openPth } from './pth-reader';
import { openSafetensors } from './safetensors';
import { openTfjsManifest } from './tfjs-manifest';

export type WeightFormat = 'pth' | 'safetensors' | 'tfjs';

export interface OpenedWeights extends WeightSource {
  readonly format: WeightFormat;
  /** What the reader did that a user should know (e.g. the checkpoint key the state dict came from). */
  readonly notes: readonly string[];
  /** Entries of the state dict that are not tensors (ignored). */
  readonly nonTensors: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

async function head(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const bytes = new Uint8Array(16);
    const { bytesRead } = await handle.read(bytes, 0, 16, 0);
    return bytes.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export function detectFormat(bytes: Uint8Array): WeightFormat | null {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'pth';
  if (bytes[0] === 0x80 && bytes[1] !== undefined && bytes[1] <= 5) return 'pth'; // a bare pickle: the legacy format
  if (bytes.length >= 9 && bytes[8] === 0x7b) return 'safetensors';
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first === 0x7b || first === 0x5b) return 'tfjs';
  return null;
}

export async function openWeightFile(file: string): Promise<OpenedWeights> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw new Error(`cannot read weights ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (!info.isFile()) throw new Error(`${file}: not a regular file`);
  switch (detectFormat(await head(file))) {
    case 'pth':
      return openPth(file);
    case 'safetensors':
      return openSafetensors(file);
    case 'tfjs':
      return openTfjsManifest(file);
    default:
      throw new Error(`${file}: not a weights file this app reads (PyTorch torch.save zip, .safetensors, tfjs model.json or weights manifest)`);
  }
}
