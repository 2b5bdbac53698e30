/** GT masks of a VOC folder: find them, check them from the PNG header, read labels from them. */
import { extname, join } from 'node:path';
import { VOID_LABEL } from '@shared/domain/dataset';
import { decodeIndexedPng, readPngHeader } from '../../codecs/indexed-png';
import { colorTypeName } from '../../codecs/png-header';
import { readRegular } from '../../fs/read-regular';
import { listFiles, type RuleOptions } from '../fs-utils';

/** Mask folders in order of preference: the official masks win over SBD-augmented ones. */
export const MASK_FOLDERS = ['SegmentationClass', 'SegmentationClassAug'] as const;

export interface MaskFile {
  id: string;
  /** Absolute path. */
  path: string;
}

export interface MaskScan {
  /** The chosen mask per image id. */
  byId: Map<string, MaskFile>;
  /** Files in the mask folders that are not PNGs (absolute paths), reported as issues. */
  notPng: string[];
}

export async function findMasks(yearDir: string, rule?: RuleOptions): Promise<MaskScan> {
  const byId = new Map<string, MaskFile>();
  const notPng: string[] = [];
  for (const folder of MASK_FOLDERS) {
    const dir = join(yearDir, folder);
    for (const name of await listFiles(dir, rule)) {
      const ext = extname(name);
      const id = name.slice(0, name.length - ext.length);
      if (ext.toLowerCase() !== '.png') {
        if (!byId.has(id)) notPng.push(join(dir, name));
        continue;
      }
      if (!byId.has(id)) byId.set(id, { id, path: join(dir, name) });
    }
  }
  return { byId, notPng };
}

/**
 * Check a mask from its first 33 bytes: a PNG, of class indices (indexed or ≤8-bit gray), and
 * the size of its image. Returns a plain reason when the mask cannot be used, else null.
 */
export function checkMaskHeader(head: Uint8Array, width: number, height: number): string | null {
  let header;
  try {
    header = readPngHeader(head);
  } catch (err) {
    return `mask is not a usable PNG: ${(err as Error).message}`;
  }
  if (header.colorType !== 3 && header.colorType !== 0) {
    return `mask is ${colorTypeName(header.colorType)}; expected an indexed (palette) PNG of class indices`;
  }
  if (header.bitDepth > 8) return `mask is ${header.bitDepth}-bit grayscale; expected 8-bit class indices`;
  if (header.width !== width || header.height !== height) {
    return `mask is ${header.width}×${header.height} but its image is ${width}×${height}`;
  }
  return null;
}

/** Foreground classes present in a mask (decoded fully), plus values that are not classes. */
export async function labelsFromMask(path: string, classCount: number): Promise<{ labels: number[]; unknown: number[] }> {
  const { mask } = decodeIndexedPng(await readRegular(path, { kind: 'mask' }));
  const seen = new Uint8Array(256);
  for (let i = 0; i < mask.data.length; i++) seen[mask.data[i]!] = 1;
  const labels: number[] = [];
  const unknown: number[] = [];
  for (let v = 1; v < 256; v++) {
    if (!seen[v] || v === VOID_LABEL) continue;
    if (v < classCount) labels.push(v);
    else unknown.push(v);
  }
  return { labels, unknown };
}
