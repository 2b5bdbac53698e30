/** Crash-safe writes: a temp file in the same folder, fsync, rename, then fsync the folder. */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export function tempName(target: string): string {
  return join(dirname(target), `.tmp-${basename(target)}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** fsync a folder so that a rename inside it survives a power cut (a no-op where unsupported). */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or sync a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Write bytes to a file in the given folder and fsync it (the caller renames). */
export async function writeSynced(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replace `target` atomically with `data`: readers see the old file or the new one, never a mix. */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  const temp = tempName(target);
  try {
    await writeSynced(temp, data);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dirname(target));
}

export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}
