/** Whether anything is at a path: `pathExists` follows symlinks (stat), `entryExists` does not (lstat: a dangling link counts). */
import { lstat, stat } from 'node:fs/promises';

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function entryExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
