/** PNG container: signature, chunk walking with CRC checks, and IHDR parsing. */
import { crc32 } from './crc32';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

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

export interface PngChunk {
  type: string;
  data: Uint8Array;
}

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

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

export function hasPngSignature(bytes: Uint8Array): boolean {
  if (bytes.length < PNG_SIGNATURE.length) return false;
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function parseIhdr(data: Uint8Array): PngHeader {
  if (data.length !== 13) throw new PngError(`IHDR has length ${data.length}, expected 13`);
  const width = readU32(data, 0);
  const height = readU32(data, 4);
  const bitDepth = data[8]!;
  const colorType = data[9]!;
  const compression = data[10]!;
  const filter = data[11]!;
  const interlace = data[12]!;
  if (width === 0 || height === 0) throw new PngError(`invalid size ${width}×${height}`);
  if (compression !== 0 || filter !== 0) throw new PngError('unknown compression or filter method in IHDR');
  if (interlace !== 0 && interlace !== 1) throw new PngError(`unknown interlace method ${interlace}`);
  const allowed: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  if (!allowed[colorType]?.includes(bitDepth)) {
    throw new PngError(`invalid bit depth ${bitDepth} for colour type ${colorType}`);
  }
  return { width, height, bitDepth, colorType, interlace: interlace as 0 | 1 };
}

/**
 * Read only the signature and IHDR (the first 33 bytes of a PNG). Enough to learn a mask's size
 * and kind without inflating it.
 */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  if (!hasPngSignature(bytes)) throw new PngError('not a PNG file (bad signature)');
  if (bytes.length < 33) throw new PngError('truncated PNG: no complete IHDR');
  const length = readU32(bytes, 8);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (type !== 'IHDR' || length !== 13) throw new PngError('first chunk is not IHDR');
  const data = bytes.subarray(16, 29);
  if (crc32(bytes.subarray(12, 29)) !== readU32(bytes, 29)) throw new PngError('bad CRC in chunk IHDR');
  return parseIhdr(data);
}

/** Walk all chunks up to IEND, verifying every CRC. Throws PngError on any damage. */
export function readPngChunks(bytes: Uint8Array): { header: PngHeader; chunks: PngChunk[] } {
  const header = readPngHeader(bytes);
  const chunks: PngChunk[] = [];
  let at = 8;
  for (;;) {
    if (at + 12 > bytes.length) throw new PngError('truncated PNG: ends before IEND');
    const length = readU32(bytes, at);
    if (length > 0x7fffffff) throw new PngError(`chunk length ${length} is too large`);
    const end = at + 12 + length;
    if (end > bytes.length) throw new PngError('truncated PNG: a chunk runs past the end of the file');
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw new PngError(`invalid chunk type at byte ${at}`);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== readU32(bytes, at + 8 + length)) {
      throw new PngError(`bad CRC in chunk ${type}`);
    }
    chunks.push({ type, data: bytes.subarray(at + 8, at + 8 + length) });
    at = end;
    if (type === 'IEND') break;
  }
  return { header, chunks };
}

/** Serialise one chunk: length, type, data, CRC over type+data. */
export function writeChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function encodeIhdr(header: PngHeader): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, header.width);
  view.setUint32(4, header.height);
  data[8] = header.bitDepth;
  data[9] = header.colorType;
  data[12] = header.interlace;
  return data;
}
