/** Where a COCO dataset's instances files are, given a path the user picked. */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface CocoLayout {
  /** The dataset root: image `file`s are relative to it. */
  root: string;
  /** Absolute paths of the instances files, sorted. */
  files: string[];
}

const INSTANCES = /^instances_.+\.json$/i;

async function instancesIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && INSTANCES.test(e.name)).map((e) => join(dir, e.name)).sort();
  } catch {
    return [];
  }
}

/** Find the layout, or null when `path` does not look like COCO. Never throws for a missing path. */
export async function detectCocoLayout(path: string): Promise<CocoLayout | null> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    return null;
  }
  if (!isDir) {
    if (!path.toLowerCase().endsWith('.json')) return null;
    const dir = dirname(path);
    return { root: basename(dir) === 'annotations' ? dirname(dir) : dir, files: [path] };
  }
  const nested = await instancesIn(join(path, 'annotations'));
  if (nested.length > 0) return { root: path, files: nested };
  const flat = await instancesIn(path);
  if (flat.length === 0) return null;
  // The user picked the annotations/ folder itself: the dataset root is the folder above it.
  return { root: basename(path) === 'annotations' ? dirname(path) : path, files: flat };
}

export async function findCocoAnnotationFiles(path: string): Promise<CocoLayout> {
  const layout = await detectCocoLayout(path);
  if (!layout) {
    throw new Error(`${path} is not a COCO dataset: looked for a .json instances file, or annotations/instances_*.json or instances_*.json in the folder`);
  }
  return layout;
}
