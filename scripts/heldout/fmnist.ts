/**
 * Fashion-MNIST's IDX files (gzipped, as Debian's dataset-fashion-mnist ships them):
 * images are magic 2051, count, rows, cols, then count·rows·cols bytes; labels are magic 2049,
 * count, then count bytes. Read with node:zlib; a bad file gets a one-line error naming it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const FMNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The ten classes, in label order, as VOC class names (lowercase, no spaces). */
export const FMNIST_CLASSES = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle_boot'] as const;

export interface FmnistItems {
  count: number;
  rows: number;
  cols: number;
  /** count·rows·cols grey levels, 0 = background. */
  pixels: Uint8Array;
  /** count class indices 0..9. */
  labels: Uint8Array;
}

function readIdx(path: string, magic: number, dims: number): { shape: number[]; data: Uint8Array } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  } catch (err) {
    throw new Error(`${path}: cannot read (${(err as Error).message})`);
  }
  const header = 4 + 4 * dims;
  if (bytes.length < header || bytes.readUInt32BE(0) !== magic) {
    throw new Error(`${path}: not an IDX file with magic ${magic} (got ${bytes.length < 4 ? 'a short file' : bytes.readUInt32BE(0)})`);
  }
  const shape = Array.from({ length: dims }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) throw new Error(`${path}: holds ${bytes.length - header} data bytes, its header says ${size}`);
  return { shape, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, size) };
}

/** `split` 'train' reads train-*, 't10k' reads t10k-* from `dir`. */
export function readFmnist(dir: string, split: 'train' | 't10k'): FmnistItems {
  const images = readIdx(join(dir, `${split}-images-idx3-ubyte.gz`), 2051, 3);
  const labels = readIdx(join(dir, `${split}-labels-idx1-ubyte.gz`), 2049, 1);
  const [count = 0, rows = 0, cols = 0] = images.shape;
  if (labels.shape[0] !== count) throw new Error(`${dir}: ${split} has ${count} images but ${labels.shape[0]} labels`);
  const bad = labels.data.findIndex((l) => l >= FMNIST_CLASSES.length);
  if (bad >= 0) throw new Error(`${join(dir, `${split}-labels-idx1-ubyte.gz`)}: label ${labels.data[bad]} at item ${bad} is not 0..9`);
  return { count, rows, cols, pixels: images.data, labels: labels.data };
}

/** Write items as gzipped IDX files (test fixtures). */
export function encodeFmnist(items: FmnistItems): { images: Buffer; labels: Buffer } {
  const images = Buffer.alloc(16 + items.pixels.length);
  images.writeUInt32BE(2051, 0);
  images.writeUInt32BE(items.count, 4);
  images.writeUInt32BE(items.rows, 8);
  images.writeUInt32BE(items.cols, 12);
  images.set(items.pixels, 16);
  const labels = Buffer.alloc(8 + items.labels.length);
  labels.writeUInt32BE(2049, 0);
  labels.writeUInt32BE(items.count, 4);
  labels.set(items.labels, 8);
  return { images, labels };
}
