import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PNG_SIGNATURE, crc32, encodeIhdr, writeChunk } from '../testing/png-builder';
import { decodeIndexedPng, encodeIndexedPng, readPngHeader } from './indexed-png';
import { VOC_PALETTE, vocPalette } from './voc-palette';

function randomMask(width: number, height: number, seed: number, values: number[]): Uint8Array {
  let s = seed >>> 0;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    // runs, like real masks, with some noise
    data[i] = i > 0 && s % 5 !== 0 ? data[i - 1]! : values[s % values.length]!;
  }
  return data;
}

/** An independent encoder-side implementation of the five PNG filters, for 1-byte pixels. */
function filterAs(type: number, pixels: Uint8Array, rowBytes: number, rows: number): Uint8Array {
  const out = new Uint8Array(rows * (rowBytes + 1));
  const at = (y: number, x: number): number => (y < 0 || x < 0 ? 0 : pixels[y * rowBytes + x]!);
  for (let y = 0; y < rows; y++) {
    out[y * (rowBytes + 1)] = type;
    for (let x = 0; x < rowBytes; x++) {
      const v = at(y, x);
      const a = at(y, x - 1);
      const b = at(y - 1, x);
      const c = at(y - 1, x - 1);
      const p = a + b - c;
      const pr = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, pr][type]!;
      out[y * (rowBytes + 1) + 1 + x] = (v - pred) & 0xff;
    }
  }
  return out;
}

function buildPng(width: number, height: number, bitDepth: number, colorType: number, filtered: Uint8Array, plte?: Uint8Array): Buffer {
  return Buffer.concat([
    PNG_SIGNATURE,
    writeChunk('IHDR', encodeIhdr({ width, height, bitDepth, colorType, interlace: 0 })),
    ...(plte ? [writeChunk('PLTE', plte)] : []),
    writeChunk('IDAT', deflateSync(filtered)),
    writeChunk('IEND', new Uint8Array(0)),
  ]);
}

describe('crc32 and VOC palette', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('builds the standard VOC colour map', () => {
    expect(VOC_PALETTE).toHaveLength(256);
    expect(VOC_PALETTE[0]).toEqual([0, 0, 0]);
    expect(VOC_PALETTE[1]).toEqual([128, 0, 0]);
    expect(VOC_PALETTE[15]).toEqual([192, 128, 128]); // person
    expect(VOC_PALETTE[20]).toEqual([0, 64, 128]); // tvmonitor
    expect(VOC_PALETTE[255]).toEqual([224, 224, 192]); // void
    expect(vocPalette(21)).toHaveLength(21);
  });
});

describe('indexed PNG round trip', () => {
  it.each([
    [1, 1],
    [7, 3],
    [37, 21],
    [128, 96],
  ])('encodes and decodes a %i×%i mask exactly', (width, height) => {
    const data = randomMask(width, height, width * 31 + height, [0, 1, 2, 15, 20, 255]);
    const png = encodeIndexedPng({ width, height, data });
    const decoded = decodeIndexedPng(png);
    expect(decoded.mask.width).toBe(width);
    expect(decoded.mask.height).toBe(height);
    expect(Array.from(decoded.mask.data)).toEqual(Array.from(data));
    expect(decoded.palette).toEqual(VOC_PALETTE);
    expect(decoded.header).toMatchObject({ bitDepth: 8, colorType: 3, interlace: 0 });
    expect(readPngHeader(png.subarray(0, 33))).toMatchObject({ width, height, colorType: 3 });
  });

  it('is deterministic and compresses masks well', () => {
    const data = new Uint8Array(256 * 256);
    for (let y = 0; y < 256; y++) for (let x = 0; x < 256; x++) data[y * 256 + x] = (x - 128) ** 2 + (y - 128) ** 2 < 60 ** 2 ? 3 : 0;
    const a = encodeIndexedPng({ width: 256, height: 256, data });
    const b = encodeIndexedPng({ width: 256, height: 256, data });
    expect(a.equals(b)).toBe(true);
    expect(a.length).toBeLessThan(2000);
  });

  it('writes a shorter palette when asked, and refuses values without a colour', () => {
    const png = encodeIndexedPng({ width: 2, height: 1, data: Uint8Array.of(0, 2) }, { palette: vocPalette(3) });
    expect(decodeIndexedPng(png).palette).toHaveLength(3);
    expect(() => encodeIndexedPng({ width: 2, height: 1, data: Uint8Array.of(0, 3) }, { palette: vocPalette(3) })).toThrow(/no palette entry/);
    expect(() => encodeIndexedPng({ width: 2, height: 2, data: Uint8Array.of(0, 3) })).toThrow(/expected 2×2/);
  });
});

describe('decoding PNGs from other writers', () => {
  it.each([0, 1, 2, 3, 4])('undoes filter type %i', (type) => {
    const width = 13;
    const height = 6;
    const data = randomMask(width, height, 7 + type, [0, 5, 9, 200, 255]);
    const png = buildPng(width, height, 8, 3, filterAs(type, data, width, height), Uint8Array.from(VOC_PALETTE.flat()));
    expect(Array.from(decodeIndexedPng(png).mask.data)).toEqual(Array.from(data));
  });

  it.each([1, 2, 4])('unpacks %i-bit indexed rows', (bitDepth) => {
    const width = 11; // not a multiple of the samples per byte
    const height = 3;
    const data = randomMask(width, height, bitDepth, Array.from({ length: 1 << bitDepth }, (_, i) => i));
    const rowBytes = Math.ceil((width * bitDepth) / 8);
    const packed = new Uint8Array(rowBytes * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = x * bitDepth;
        packed[y * rowBytes + (bit >> 3)]! |= data[y * width + x]! << (8 - bitDepth - (bit & 7));
      }
    }
    const plte = Uint8Array.from(VOC_PALETTE.slice(0, 1 << bitDepth).flat());
    const png = buildPng(width, height, bitDepth, 3, filterAs(4, packed, rowBytes, height), plte);
    const decoded = decodeIndexedPng(png);
    expect(Array.from(decoded.mask.data)).toEqual(Array.from(data));
    expect(decoded.palette).toHaveLength(1 << bitDepth);
  });

  it('reads 8-bit grayscale masks, plain and Adam7-interlaced (written by libvips)', async () => {
    const width = 29;
    const height = 17;
    const data = randomMask(width, height, 99, [0, 1, 7, 255]);
    for (const progressive of [false, true]) {
      const png = await sharp(Buffer.from(data), { raw: { width, height, channels: 1 } })
        .toColourspace('b-w')
        .png({ progressive, adaptiveFiltering: true, palette: false })
        .toBuffer();
      const decoded = decodeIndexedPng(png);
      expect(decoded.header.colorType).toBe(0);
      expect(decoded.header.interlace).toBe(progressive ? 1 : 0);
      expect(decoded.palette).toBeNull();
      expect(Array.from(decoded.mask.data)).toEqual(Array.from(data));
    }
  });
});

describe('bad input', () => {
  const good = encodeIndexedPng({ width: 9, height: 9, data: randomMask(9, 9, 3, [0, 1, 255]) });

  it('rejects a file that is not a PNG', () => {
    expect(() => decodeIndexedPng(new TextEncoder().encode('hello, not a png at all, sorry'))).toThrow(/not a PNG/);
    expect(() => readPngHeader(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toThrow(/not a PNG/);
  });

  it('rejects a truncated file', () => {
    expect(() => decodeIndexedPng(good.subarray(0, good.length - 20))).toThrow(/truncated/);
    expect(() => decodeIndexedPng(good.subarray(0, 20))).toThrow(/truncated/);
  });

  it('rejects a chunk with a bad CRC', () => {
    const bad = Buffer.from(good);
    const idat = bad.indexOf('IDAT');
    bad[idat + 6] = bad[idat + 6]! ^ 0xff;
    expect(() => decodeIndexedPng(bad)).toThrow(/bad CRC in chunk IDAT/);
  });

  it('rejects RGB and 16-bit PNGs with a reason', async () => {
    const rgb = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#ff0000' } }).png().toBuffer();
    expect(() => decodeIndexedPng(rgb)).toThrow(/mask PNG is RGB/);
    const gray16 = buildPng(2, 1, 16, 0, Uint8Array.of(0, 0, 1, 0, 2));
    expect(() => decodeIndexedPng(gray16)).toThrow(/16-bit grayscale/);
  });

  it('refuses a header that claims more pixels than a mask may have, before inflating anything', () => {
    const huge = buildPng(100_000, 100_000, 8, 3, Uint8Array.of(0), Uint8Array.of(0, 0, 0));
    expect(() => decodeIndexedPng(huge)).toThrow(/mask PNG says it is 100000×100000, more than 268435456 pixels/);
  });

  it('rejects image data shorter than the header promises', () => {
    const png = buildPng(4, 4, 8, 3, filterAs(0, new Uint8Array(8), 4, 2), Uint8Array.of(0, 0, 0));
    expect(() => decodeIndexedPng(png)).toThrow(/fewer rows/);
  });
});
