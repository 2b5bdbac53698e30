/**
 * 8-bit indexed (palette, colour type 3) PNG masks: pixel values are class indices, PLTE is the VOC
 * palette, 255 is void. The PNG work is fast-png's (decode and encode, CRCs checked); this file adds
 * what a mask needs on top: only indexed or ≤ 8-bit grayscale PNGs (values taken as indices), packed
 * 1/2/4-bit rows unpacked to one byte per pixel, a pixel bound checked from the header before
 * anything is inflated, and errors that say what is wrong. It reads what PIL, OpenCV, GIMP or the
 * VOC devkit write: bit depths 1/2/4/8 (with or without tRNS), all five filters, Adam7 interlacing.
 * bench/png-codec.md compares it with the hand-written codec it replaced.
 */
import { errorText } from '@shared/envelope';
import { decode, encode, type DecodedPng } from 'fast-png';
import type { IndexMask } from '@shared/domain/dataset';
import { MAX_IMAGE_PIXELS } from '../fs/read-regular';
import { PngError, checkPngChunks, colorTypeName, readPngHeader, type PngHeader } from './png-header';
import { VOC_PALETTE, type RgbTriple } from './voc-palette';

export { PngError, readPngHeader, type PngHeader } from './png-header';

export interface DecodedIndexedPng {
  mask: IndexMask;
  /** PLTE entries for indexed PNGs; null for grayscale masks. */
  palette: RgbTriple[] | null;
  /** Alpha per palette entry when the file has a tRNS chunk (entries it leaves out are 255), or null. */
  paletteAlpha: Uint8Array | null;
  header: PngHeader;
}

export interface EncodeIndexedPngOptions {
  /** Up to 256 colours; defaults to the full 256-entry VOC palette. */
  palette?: readonly RgbTriple[];
  /** zlib level, 1..9 (default 6). */
  level?: number;
}

/**
 * fast-png's exceptions (the chunks are already checked, so they are about the image data), in
 * words that say what is wrong; indexed-png.spec.ts pins each wording.
 */
function describe(err: unknown): string {
  const message = errorText(err);
  if (/Unsupported filter: undefined/.test(message)) return 'truncated image data: fewer rows than the header says';
  if (/decompress/i.test(message)) return `corrupt or truncated image data (${(err as Error & { cause?: Error }).cause?.message ?? message})`;
  return `corrupt image data (${message})`;
}

/** Packed rows of `bitDepth`-bit samples (MSB first, rows byte-aligned) → one byte per pixel. */
function unpack(packed: ArrayLike<number>, width: number, height: number, bitDepth: number): Uint8Array {
  const pixels = new Uint8Array(width * height);
  if (bitDepth === 8) {
    pixels.set(Array.isArray(packed) ? packed : (packed as Uint8Array).subarray(0, width * height));
    return pixels;
  }
  const rowBytes = Math.ceil((width * bitDepth) / 8);
  const perByte = 8 / bitDepth;
  const maskBits = (1 << bitDepth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = packed[y * rowBytes + Math.floor(x / perByte)]!;
      pixels[y * width + x] = (byte >> (8 - bitDepth * ((x % perByte) + 1))) & maskBits;
    }
  }
  return pixels;
}

export function decodeIndexedPng(bytes: Uint8Array): DecodedIndexedPng {
  const header = readPngHeader(bytes);
  const { width, height, bitDepth, colorType } = header;
  if (colorType !== 3 && colorType !== 0) {
    throw new PngError(`mask PNG is ${colorTypeName(colorType)}; expected an indexed (palette) or 8-bit grayscale PNG of class indices`);
  }
  if (bitDepth > 8) throw new PngError(`${bitDepth}-bit grayscale masks are not supported; use 8-bit`);
  if (width * height > MAX_IMAGE_PIXELS) throw new PngError(`mask PNG says it is ${width}×${height}, more than ${MAX_IMAGE_PIXELS} pixels`);
  checkPngChunks(bytes);
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch (err) {
    throw new PngError(describe(err));
  }
  if (png.data.length < Math.ceil((width * bitDepth) / 8) * height) throw new PngError('truncated image data: fewer rows than the header says');
  const pixels = unpack(png.data, width, height, bitDepth);
  let palette: RgbTriple[] | null = null;
  let paletteAlpha: Uint8Array | null = null;
  if (colorType === 3) {
    if (!png.palette || png.palette.length === 0) throw new PngError('indexed PNG has no PLTE chunk');
    palette = png.palette.map((c): RgbTriple => [c[0]!, c[1]!, c[2]!]);
    if (png.palette[0]!.length === 4) paletteAlpha = Uint8Array.from(png.palette, (c) => c[3]!);
  }
  return { mask: { width, height, data: pixels }, palette, paletteAlpha, header };
}

/** Encode a class-index mask as an 8-bit indexed PNG (non-interlaced, PLTE = palette). */
export function encodeIndexedPng(mask: IndexMask, options: EncodeIndexedPngOptions = {}): Buffer {
  const { width, height, data } = mask;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`invalid mask size ${width}×${height}`);
  }
  if (data.length !== width * height) {
    throw new RangeError(`mask data has ${data.length} bytes, expected ${width}×${height} = ${width * height}`);
  }
  const palette = options.palette ?? VOC_PALETTE;
  if (palette.length === 0 || palette.length > 256) throw new RangeError('palette must have 1..256 colours');
  if (palette.length < 256) {
    for (let i = 0; i < data.length; i++) {
      if (data[i]! >= palette.length) throw new RangeError(`mask value ${data[i]} has no palette entry (palette has ${palette.length})`);
    }
  }
  const level = (options.level ?? 6) as 6;
  const bytes = encode({ width, height, data, depth: 8, channels: 1, palette: palette.map((c) => [c[0] & 0xff, c[1] & 0xff, c[2] & 0xff]) }, { zlib: { level } });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
