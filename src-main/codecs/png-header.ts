/** The PNG signature and IHDR, read from the first 33 bytes: a mask's size and kind without decoding it. */
import { crc32 } from 'node:zlib';

export class PngError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngError';
  }
}

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 gray, 2 RGB, 3 indexed, 4 gray+alpha, 6 RGBA. */
  colorType: number;
  interlace: 0 | 1;
}

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const COLOR_TYPE_NAMES: Record<number, string> = {
  0: 'grayscale',
  2: 'RGB',
  3: 'indexed',
  4: 'grayscale+alpha',
  6: 'RGBA',
};

export function colorTypeName(colorType: number): string {
  return COLOR_TYPE_NAMES[colorType] ?? `unknown colour type ${colorType}`;
}

const readU32 = (bytes: Uint8Array, at: number): number => ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;

export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function parseIhdr(data: Uint8Array): PngHeader {
  const width = readU32(data, 0);
  const height = readU32(data, 4);
  const bitDepth = data[8]!;
  const colorType = data[9]!;
  const interlace = data[12]!;
  if (width === 0 || height === 0) throw new PngError(`invalid size ${width}×${height}`);
  if (data[10] !== 0 || data[11] !== 0) throw new PngError('unknown compression or filter method in IHDR');
  if (interlace !== 0 && interlace !== 1) throw new PngError(`unknown interlace method ${interlace}`);
  const allowed: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  if (!allowed[colorType]?.includes(bitDepth)) throw new PngError(`invalid bit depth ${bitDepth} for colour type ${colorType}`);
  return { width, height, bitDepth, colorType, interlace: interlace as 0 | 1 };
}

/** Read only the signature and IHDR (the first 33 bytes of a PNG), checking the IHDR's CRC. */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  if (!hasPngSignature(bytes)) throw new PngError('not a PNG file (bad signature)');
  if (bytes.length < 33) throw new PngError('truncated PNG: no complete IHDR');
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (type !== 'IHDR' || readU32(bytes, 8) !== 13) throw new PngError('first chunk is not IHDR');
  if (crc32(bytes.subarray(12, 29)) !== readU32(bytes, 29)) throw new PngError('bad CRC in chunk IHDR');
  return parseIhdr(bytes.subarray(16, 29));
}

/**
 * Walk the chunks up to IEND and check every length and CRC (zlib's native crc32), so that a damaged
 * or cut file is named precisely ("bad CRC in chunk IDAT", "truncated PNG: …") before it is decoded.
 */
export function checkPngChunks(bytes: Uint8Array): void {
  let at = 8;
  for (;;) {
    if (at + 12 > bytes.length) throw new PngError('truncated PNG: the file ends before IEND');
    const length = readU32(bytes, at);
    if (length > 0x7fffffff) throw new PngError(`chunk length ${length} is too large`);
    if (at + 12 + length > bytes.length) throw new PngError('truncated PNG: a chunk runs past the end of the file');
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw new PngError(`invalid chunk type at byte ${at}`);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== readU32(bytes, at + 8 + length)) throw new PngError(`bad CRC in chunk ${type}`);
    if (type !== 'IHDR' && type !== 'PLTE' && type !== 'IDAT' && type !== 'IEND' && type.charCodeAt(0) < 97) {
      throw new PngError(`unknown critical chunk ${type}`);
    }
    at += 12 + length;
    if (type === 'IEND') return;
  }
}
