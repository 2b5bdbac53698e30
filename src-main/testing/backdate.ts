/**
 * Set the times of a folder tree back (files and folders, not following symlinks' targets out of it),
 * for specs of what is compared by modification time: a freshly made dataset looks like one that has
 * been quiet for a while (datasets/index-snapshot.ts writes a snapshot only then).
 */
import { readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

export function backdateTree(root: string, seconds = 3600): void {
  const when = Date.now() / 1000 - seconds;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      if (!entry.isSymbolicLink()) utimesSync(path, when, when);
    }
    utimesSync(dir, when, when); // after its entries: setting theirs does not touch it, but be plain
  };
  walk(root);
}
