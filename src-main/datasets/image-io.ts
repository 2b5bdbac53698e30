/**
 * Image files in and out, through sharp (libvips). Everything becomes 8-bit sRGB `RgbImage`:
 * EXIF orientation is applied, CMYK and grayscale are converted to RGB, 16-bit samples are
 * reduced to 8 bits, and an alpha channel is dropped (not composited) — the same pixels PIL's
 * `Image.open(f).convert('RGB')` gives, which is what the PyTorch reference feeds its networks.
 * Ground-truth masks never pass through here: they use the indexed-PNG codec, bit-exact.
 * A file path is checked before the decoder opens it (fs/read-regular.ts): a regular file, within
 * the image size bound, and, given a root, inside it by real path. A FIFO or a device never reaches
 * libvips, whose blocking open would hang a thread of the I/O pool.
 */
import sharp from 'sharp';
import type { RgbImage } from '@shared/domain/dataset';
import { errorText } from '@shared/envelope';
import { checkRegular, MAX_IMAGE_PIXELS, UnreadableFileError } from '../fs/read-regular';

export class ImageDecodeError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot decode image ${file}: ${reason}`);
    this.name = 'ImageDecodeError';
  }
}

export interface DecodeImageOptions {
  /**
   * Downscale (never upscale) so that neither side exceeds this many pixels, keeping the aspect
   * ratio. For display and training inputs only; never for anything compared with GT.
   */
  maxSide?: number;
  /** A file source must lie inside this folder (symlinks are followed only inside it). */
  root?: string;
}


export interface ImageSize {
  /** Width and height as displayed, i.e. after EXIF orientation. */
  width: number;
  height: number;
  /** sharp's name of the container format: 'jpeg', 'png', 'webp', … */
  format: string;
}

type Source = string | Uint8Array;

function label(source: Source, name?: string): string {
  return name ?? (typeof source === 'string' ? source : '<buffer>');
}

function reasonOf(err: unknown): string {
  const message = errorText(err);
  return message.replace(/^Input (file|buffer) /, '').trim();
}

function open(source: Source): sharp.Sharp {
  // failOn 'warning' makes a truncated JPEG ("premature end of data") an error, not grey pixels.
  return sharp(source, { failOn: 'warning', limitInputPixels: MAX_IMAGE_PIXELS });
}

/** A path source must be a regular file of bounded size (inside `root` when given). */
async function checkSource(source: Source, root: string | undefined): Promise<void> {
  if (typeof source !== 'string') return;
  try {
    await checkRegular(source, { kind: 'image', ...(root !== undefined ? { root } : {}) });
  } catch (err) {
    if (err instanceof UnreadableFileError) throw new ImageDecodeError(source, err.reason);
    throw err;
  }
}

/** Decode a file (or its bytes) to 8-bit RGB. `name` labels errors when decoding a buffer. */
export async function decodeImage(source: Source, options: DecodeImageOptions = {}, name?: string): Promise<RgbImage> {
  const { maxSide } = options;
  if (maxSide !== undefined && (!Number.isInteger(maxSide) || maxSide < 1)) {
    throw new RangeError(`maxSide must be a positive integer, got ${maxSide}`);
  }
  await checkSource(source, options.root);
  try {
    let pipeline = open(source).rotate().removeAlpha().toColourspace('srgb');
    if (maxSide !== undefined) {
      pipeline = pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
    }
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw new ImageDecodeError(label(source, name), reasonOf(err));
  }
}

/**
 * The displayed size of an image from its header alone (no pixel decoding): fast enough to
 * validate a whole dataset during a scan. A file truncated after its header passes here and
 * fails later in `decodeImage`.
 */
export async function readImageSize(source: Source, name?: string, options: { root?: string } = {}): Promise<ImageSize> {
  await checkSource(source, options.root);
  try {
    const meta = await open(source).metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) throw new Error('header has no size');
    return { width, height, format: meta.format ?? 'unknown' };
  } catch (err) {
    throw new ImageDecodeError(label(source, name), reasonOf(err));
  }
}

function fromRgb(image: RgbImage): sharp.Sharp {
  const { width, height, data } = image;
  if (data.length !== width * height * 3) {
    throw new RangeError(`RGB data has ${data.length} bytes, expected ${width}×${height}×3`);
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

/** Encode RGB as baseline JPEG (quality 1–100, default 90; 4:2:0 chroma). */
export async function encodeJpeg(image: RgbImage, options: { quality?: number } = {}): Promise<Buffer> {
  return fromRgb(image)
    .jpeg({ quality: options.quality ?? 90, mozjpeg: false })
    .toBuffer();
}

/** Encode RGB as an 8-bit RGB PNG (lossless). */
export async function encodePng(image: RgbImage, options: { compressionLevel?: number } = {}): Promise<Buffer> {
  return fromRgb(image)
    .png({ compressionLevel: options.compressionLevel ?? 6 })
    .toBuffer();
}
