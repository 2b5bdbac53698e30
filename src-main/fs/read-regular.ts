/**
 * Reading files we did not write (datasets, imported masks, projects): only regular files, only
 * inside their root, and never more bytes than a bound (docs/reliability.md). A FIFO, a socket or a
 * device (a symlink to /dev/zero) is refused before a byte is read: the file is opened non-blocking,
 * so even opening a FIFO with no writer returns at once, and its type is checked on the open handle.
 * Every refusal is an `UnreadableFileError` that names the file and says what is wrong.
 */
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isReallyInside, realPathOf } from './confine';

/** Size bounds per kind of file (bytes). One place: every reader takes its bound from here. */
export const READ_LIMITS = {
  /** A JSON or text index (COCO instances files reach ~450 MB): below V8's longest string. */
  json: 0x1fff_ffe8,
  /** A small text file (classes.txt, split lists, labels.csv, VOC XML). */
  text: 64 << 20,
  /** An image file handed to the decoder. */
  image: 1 << 30,
  /** A PNG mask (ground truth, imported or saved). */
  mask: 256 << 20,
} as const;

export type ReadKind = keyof typeof READ_LIMITS;

/** Pixels one image (or mask) may have, width × height: checked from headers and annotations before decoding. */
export const MAX_IMAGE_PIXELS = 16384 * 16384;

export class UnreadableFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

export interface ReadRegularOptions {
  /** The file must lie inside this folder, by real path (symlinks leading out are refused). */
  root?: string;
  /** The kind of file, which sets the size bound (default: text). */
  kind?: ReadKind;
  /** An explicit bound instead of the kind's. */
  maxBytes?: number;
  /** How the file is named in errors (default: its path). */
  label?: string;
}

function typeName(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

const megabytes = (n: number): string => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 2 : 0)} MiB`;

function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'file not found';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'ELOOP') return 'too many levels of symlinks';
  if (e.code === 'EISDIR') return 'is a folder, not a file';
  return e.message ?? String(err);
}

const NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Open a file for reading after the checks; the caller closes the handle. */
async function openChecked(path: string, options: ReadRegularOptions): Promise<{ handle: FileHandle; info: Stats }> {
  const label = options.label ?? path;
  if (options.root !== undefined && !(await isReallyInside(options.root, path))) {
    throw new UnreadableFileError(label, `is a symlink that leads out of ${options.root} (to ${await realPathOf(path)}); it is not followed`);
  }
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | NONBLOCK);
  } catch (err) {
    throw new UnreadableFileError(label, reasonOf(err));
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UnreadableFileError(label, `is ${typeName(info)}, not a regular file; only regular files are read`);
    const limit = options.maxBytes ?? READ_LIMITS[options.kind ?? 'text'];
    if (info.size > limit) throw new UnreadableFileError(label, `is ${megabytes(info.size)}; the limit for this kind of file is ${megabytes(limit)}`);
    return { handle, info };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Check a file as `readRegular` would (for decoders that open the path themselves). Returns its size. */
export async function checkRegular(path: string, options: ReadRegularOptions = {}): Promise<number> {
  const { handle, info } = await openChecked(path, options);
  await handle.close();
  return info.size;
}

/** Read a whole regular file, at most its bound; a file that grows while read is cut at its checked size. */
export async function readRegular(path: string, options: ReadRegularOptions = {}): Promise<Buffer> {
  const { handle, info } = await openChecked(path, options);
  try {
    const buffer = Buffer.allocUnsafe(info.size);
    let filled = 0;
    while (filled < info.size) {
      const { bytesRead } = await handle.read(buffer, filled, info.size - filled, filled);
      if (bytesRead === 0) break; // the file shrank
      filled += bytesRead;
    }
    return filled === info.size ? buffer : buffer.subarray(0, filled);
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    throw new UnreadableFileError(options.label ?? path, reasonOf(err));
  } finally {
    await handle.close();
  }
}

/** `readRegular` as UTF-8 text. */
export async function readRegularText(path: string, options: ReadRegularOptions = {}): Promise<string> {
  return (await readRegular(path, options)).toString('utf8');
}

/** The first `length` bytes of a regular file (fewer if it is shorter). */
export async function readRegularHead(path: string, length: number, options: ReadRegularOptions = {}): Promise<Uint8Array> {
  const { handle } = await openChecked(path, { ...options, maxBytes: options.maxBytes ?? Number.MAX_SAFE_INTEGER });
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
