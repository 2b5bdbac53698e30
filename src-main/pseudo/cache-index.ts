/** The current cam cache of a run, found on disk: its key (key.json) and the image ids it holds. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CamCache, type CamCacheKey } from './cam-cache';
import { runPaths } from '../runs/run-layout';

const fileToId = (name: string): string => decodeURIComponent(name.slice(0, -'.bin'.length));

/** The run's cache (the one key folder that exists), or null when nothing was generated. */
export async function currentCache(runDir: string): Promise<CamCache | null> {
  let names: string[];
  try {
    names = await readdir(runPaths(runDir).cams);
  } catch {
    return null;
  }
  for (const name of names.sort().reverse()) {
    try {
      const doc = JSON.parse(await readFile(join(runPaths(runDir).cams, name, 'key.json'), 'utf8')) as { hash?: string; key?: CamCacheKey };
      if (doc.key && doc.hash === name) {
        const cache = new CamCache(runDir, doc.key);
        if (cache.hash === name) return cache;
      }
    } catch {
      // a folder without a readable key is not a cache
    }
  }
  return null;
}

/** Image ids with a cam file in the cache folder (sorted). */
export async function cachedIds(cache: CamCache): Promise<string[]> {
  try {
    return (await readdir(cache.dir))
      .filter((n) => n.endsWith('.bin') && !n.startsWith('.'))
      .map(fileToId)
      .sort();
  } catch {
    return [];
  }
}
