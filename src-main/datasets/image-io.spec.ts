import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@shared/domain/dataset';
import { ImageDecodeError, decodeImage, encodeJpeg, encodePng, readImageSize } from './image-io';

const dir = mkdtempSync(join(tmpdir(), 'eader-image-io-'));
const file = (name: string): string => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Left half red, right half blue, `width`×`height`. */
function halves(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? [220, 20, 20] : [20, 20, 220], (y * width + x) * 3);
  }
  return { width, height, data };
}

function pixel(image: RgbImage, x: number, y: number): number[] {
  const at = (y * image.width + x) * 3;
  return Array.from(image.data.subarray(at, at + 3));
}

function noise(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return data;
}

beforeAll(async () => {
  const h = halves(32, 16);
  const raw = { raw: { width: 32, height: 16, channels: 3 as const } };
  await sharp(Buffer.from(h.data), raw).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(file('rotated.jpg'));
  await sharp(Buffer.from(h.data), raw).toColourspace('cmyk').jpeg({ quality: 95 }).toFile(file('cmyk.jpg'));
  await sharp(Buffer.from(h.data), raw).toColourspace('b-w').jpeg({ quality: 95 }).toFile(file('gray.jpg'));
  await sharp(Buffer.from(h.data), raw).toColourspace('rgb16').png().toFile(file('deep.png'));
  const rgba = Buffer.alloc(4 * 4 * 4);
  for (let i = 0; i < 16; i++) rgba.set([100, 150, 200, i * 16], i * 4);
  await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } }).png().toFile(file('alpha.png'));
  const big = await sharp(noise(96, 64), { raw: { width: 96, height: 64, channels: 3 } }).jpeg().toBuffer();
  writeFileSync(file('truncated.jpg'), big.subarray(0, Math.floor(big.length * 0.6)));
  writeFileSync(file('text.jpg'), 'this is not an image\n');
});

describe('decodeImage', () => {
  it('applies EXIF orientation', async () => {
    const image = await decodeImage(file('rotated.jpg'));
    expect([image.width, image.height]).toEqual([16, 32]);
    expect(image.data.length).toBe(16 * 32 * 3);
    // orientation 6 = rotate 90° clockwise to display: the red left half ends on top
    expect(pixel(image, 8, 4)[0]).toBeGreaterThan(150);
    expect(pixel(image, 8, 27)[2]).toBeGreaterThan(150);
    expect(await readImageSize(file('rotated.jpg'))).toEqual({ width: 16, height: 32, format: 'jpeg' });
  });

  it('converts CMYK JPEG to RGB', async () => {
    const image = await decodeImage(file('cmyk.jpg'));
    expect(image.data.length).toBe(32 * 16 * 3);
    const red = pixel(image, 4, 8);
    expect(red[0]).toBeGreaterThan(150);
    expect(red[2]).toBeLessThan(90);
  });

  it('expands grayscale to three equal channels', async () => {
    const image = await decodeImage(file('gray.jpg'));
    expect(image.data.length).toBe(32 * 16 * 3);
    const [r, g, b] = pixel(image, 4, 8);
    expect(r).toBe(g);
    expect(g).toBe(b);
  });

  it('reduces 16-bit PNG to 8 bits exactly', async () => {
    const image = await decodeImage(file('deep.png'));
    expect(pixel(image, 0, 0)).toEqual([220, 20, 20]);
    expect(pixel(image, 31, 15)).toEqual([20, 20, 220]);
  });

  it('drops alpha, keeping the colour under it', async () => {
    const image = await decodeImage(file('alpha.png'));
    expect(image.data.length).toBe(4 * 4 * 3);
    expect(pixel(image, 0, 0)).toEqual([100, 150, 200]); // alpha 0 there
    expect(pixel(image, 3, 3)).toEqual([100, 150, 200]);
  });

  it('downscales to maxSide, never upscales', async () => {
    const small = await decodeImage(file('deep.png'), { maxSide: 8 });
    expect([small.width, small.height]).toEqual([8, 4]);
    const same = await decodeImage(file('deep.png'), { maxSide: 500 });
    expect([same.width, same.height]).toEqual([32, 16]);
    await expect(decodeImage(file('deep.png'), { maxSide: 0 })).rejects.toThrow(RangeError);
  });

  it('names the file when it cannot decode', async () => {
    await expect(decodeImage(file('truncated.jpg'))).rejects.toThrow(ImageDecodeError);
    await expect(decodeImage(file('truncated.jpg'))).rejects.toThrow(/truncated\.jpg.*premature end/);
    await expect(decodeImage(file('text.jpg'))).rejects.toThrow(/cannot decode image .*text\.jpg: .*unsupported image format/);
    await expect(readImageSize(file('text.jpg'))).rejects.toThrow(/text\.jpg/);
    await expect(decodeImage(file('missing.jpg'))).rejects.toThrow(/missing\.jpg/);
    await expect(decodeImage(Buffer.from('nope'), {}, 'upload.png')).rejects.toThrow(/upload\.png/);
  });
});

describe('encoders', () => {
  it('round-trips RGB through PNG exactly and through JPEG closely', async () => {
    const image = halves(24, 10);
    const png = await encodePng(image);
    expect(await decodeImage(png)).toEqual(image);
    const jpeg = await encodeJpeg(image, { quality: 95 });
    expect(await readImageSize(jpeg)).toEqual({ width: 24, height: 10, format: 'jpeg' });
    const back = await decodeImage(jpeg);
    let maxDiff = 0;
    back.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - image.data[i]!))));
    expect(maxDiff).toBeLessThan(60);
    await expect(encodePng({ width: 2, height: 2, data: new Uint8Array(5) })).rejects.toThrow(/expected 2×2×3/);
  });
});
