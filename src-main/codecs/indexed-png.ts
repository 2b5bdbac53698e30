/**
 * 8-bit indexed (palette, colour type 3) PNG masks, written and read without a native image
 * library so the bytes are ours: pixel values are class indices, PLTE is the VOC palette, 255 is
 * void. The decoder also reads what PIL, OpenCV, GIMP or the VOC devkit write: indexed at bit
 * depths 1/2/4/8 (with or without tRNS), grayscale at 1/2/4/8 bits (values taken as indices),
 * all five filter types, and Adam7 interlacing.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import type { IndexMask } from '@shared/domain/dataset';
import { filterRows, unfilter } from './png-filters';
import {
  PNG_SIGNATURE,
  PngError,
  type PngHeader,
  colorTypeName,
  encodeIhdr,
  readPngChunks,
  writeChunk,
} from './png-chunks';
import { VOC_PALETTE, type RgbTriple } from './voc-palette';

export { PngError, readPngHeader, type PngHeader } from './png-chunks';

export interface DecodedIndexedPng {
  mask: IndexMask;
  /** PLTE entries for indexed PNGs; null for grayscale masks. */
  palette: RgbTriple[] | null;
  /** tRNS alpha per palette entry (shorter than the palette when the file says so), or null. */
  paletteAlpha: Uint8Array | null;
  header: PngHeader;
}

export interface EncodeIndexedPngOptions {
  /** Up to 256 colours; defaults to the full 256-entry VOC palette. */
  palette?: readonly RgbTriple[];
  /** zlib level, 6..9 (default 9; masks are small and compress well). */
  level?: number;
}

/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7: readonly [number, number, number, number][] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

function inflate(idat: Uint8Array): Uint8Array {
  try {
    return inflateSync(idat);
  } catch (err) {
    throw new PngError(`corrupt or truncated image data (${(err as Error).message})`);
  }
}

/** Expand packed samples (1/2/4/8 bits, MSB first) of one row into `out` at a stride. */
function unpackRow(
  row: Uint8Array,
  count: number,
  bitDepth: number,
  out: Uint8Array,
  outStart: number,
  outStep: number,
): void {
  if (bitDepth === 8) {
    for (let i = 0; i < count; i++) out[outStart + i * outStep] = row[i]!;
    return;
  }
  const perByte = 8 / bitDepth;
  const maskBits = (1 << bitDepth) - 1;
  for (let i = 0; i < count; i++) {
    const byte = row[Math.floor(i / perByte)]!;
    const shift = 8 - bitDepth * ((i % perByte) + 1);
    out[outStart + i * outStep] = (byte >> shift) & maskBits;
  }
}

export function decodeIndexedPng(bytes: Uint8Array): DecodedIndexedPng {
  const { header, chunks } = readPngChunks(bytes);
  const { width, height, bitDepth, colorType } = header;
  if (colorType !== 3 && colorType !== 0) {
    throw new PngError(
      `mask PNG is ${colorTypeName(colorType)}; expected an indexed (palette) or 8-bit grayscale PNG of class indices`,
    );
  }
  if (bitDepth > 8) throw new PngError(`${bitDepth}-bit grayscale masks are not supported; use 8-bit`);

  let palette: RgbTriple[] | null = null;
  let paletteAlpha: Uint8Array | null = null;
  const idatParts: Uint8Array[] = [];
  for (const chunk of chunks) {
    if (chunk.type === 'PLTE') {
      if (chunk.data.length % 3 !== 0 || chunk.data.length === 0 || chunk.data.length > 768) {
        throw new PngError(`PLTE has invalid length ${chunk.data.length}`);
      }
      palette = [];
      for (let i = 0; i < chunk.data.length; i += 3) {
        palette.push([chunk.data[i]!, chunk.data[i + 1]!, chunk.data[i + 2]!]);
      }
    } else if (chunk.type === 'tRNS' && colorType === 3) {
      paletteAlpha = Uint8Array.from(chunk.data);
    } else if (chunk.type === 'IDAT') {
      idatParts.push(chunk.data);
    } else if (!['IHDR', 'IEND', 'tRNS'].includes(chunk.type) && chunk.type.charCodeAt(0) < 97) {
      throw new PngError(`unknown critical chunk ${chunk.type}`);
    }
  }
  if (colorType === 3 && !palette) throw new PngError('indexed PNG has no PLTE chunk');
  if (colorType === 0) palette = null;
  if (idatParts.length === 0) throw new PngError('PNG has no image data (IDAT)');

  const raw = inflate(Buffer.concat(idatParts));
  const pixels = new Uint8Array(width * height);
  const passes: readonly [number, number, number, number][] = header.interlace ? ADAM7 : [[0, 0, 1, 1]];
  let offset = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const passWidth = Math.ceil((width - x0) / dx);
    const passHeight = Math.ceil((height - y0) / dy);
    if (passWidth <= 0 || passHeight <= 0) continue;
    const rowBytes = Math.ceil((passWidth * bitDepth) / 8);
    const size = passHeight * (rowBytes + 1);
    if (offset + size > raw.length) throw new PngError('truncated image data: fewer rows than the header says');
    const rows = unfilter(raw.subarray(offset, offset + size), passHeight, rowBytes, 1);
    offset += size;
    for (let r = 0; r < passHeight; r++) {
      const y = y0 + r * dy;
      unpackRow(rows.subarray(r * rowBytes, (r + 1) * rowBytes), passWidth, bitDepth, pixels, y * width + x0, dx);
    }
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
      if (data[i]! >= palette.length) {
        throw new RangeError(`mask value ${data[i]} has no palette entry (palette has ${palette.length})`);
      }
    }
  }
  const level = options.level ?? 9;
  const plte = new Uint8Array(palette.length * 3);
  palette.forEach((c, i) => plte.set([c[0] & 0xff, c[1] & 0xff, c[2] & 0xff], i * 3));
  const idat = deflateSync(filterRows(data, width, height), { level });
  return Buffer.concat([
    PNG_SIGNATURE,
    writeChunk('IHDR', encodeIhdr({ width, height, bitDepth: 8, colorType: 3, interlace: 0 })),
    writeChunk('PLTE', plte),
    writeChunk('IDAT', idat),
    writeChunk('IEND', new Uint8Array(0)),
  ]);
}
