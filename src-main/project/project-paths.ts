/** Names inside a project folder. Image ids become file names safely (no "/", no "..", no hidden names). */
import { join } from 'node:path';

export const MASKS_DIR = 'masks';
export const HISTORY_DIR = '.history';
export const RUNS_DIR = 'runs';
export const THUMBS_DIR = 'thumbs';
/** The one-writer lock of a project (fs/lock.ts): held while a process has it open for writing. */
export const LOCK_FILE = '.eader-lock';
/** Exports from the UI go below this folder of the project (and nowhere else in it). */
export const EXPORTS_DIR = 'exports';

/**
 * A file-name-safe, reversible form of an image id: encodeURIComponent, plus "." and "*" escaped so
 * that "..", ".x" and names that differ only in those characters stay distinct and harmless.
 */
export function idToFileName(id: string): string {
  if (id.length === 0) throw new Error('an image id cannot be empty');
  return encodeURIComponent(id).replace(/[.*!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export const fileNameToId = (name: string): string => decodeURIComponent(name);

export const maskPath = (projectDir: string, id: string): string => join(projectDir, MASKS_DIR, `${idToFileName(id)}.png`);
export const historyDir = (projectDir: string, id: string): string => join(projectDir, MASKS_DIR, HISTORY_DIR, idToFileName(id));
export const thumbPath = (projectDir: string, id: string): string => join(projectDir, THUMBS_DIR, `${idToFileName(id)}.webp`);
