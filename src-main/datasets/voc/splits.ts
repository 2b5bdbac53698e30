/**
 * Split lists from ImageSets/Segmentation, ImageSets/SegmentationAug and ImageSets/Main: each
 * `<split>.txt` lists one image id per line. Main's per-class files (`aeroplane_train.txt`,
 * lines "id  1|0|-1") are classification targets, not splits, and are skipped.
 */
import { join } from 'node:path';
import type { DatasetIssue } from '@shared/domain/dataset';
import { readRegularText } from '../../fs/read-regular';
import { listFiles, relativePosix } from '../fs-utils';

export const SPLIT_FOLDERS = ['Segmentation', 'SegmentationAug', 'Main'] as const;

export interface SplitList {
  name: string;
  /** File path relative to the dataset root. */
  file: string;
  /** Ids with the 1-based line they were listed on. */
  entries: { id: string; line: number }[];
}

function isPerClassFile(stem: string, lines: string[], classNames: Set<string>): boolean {
  const match = /^(.+)_(train|val|trainval|test)$/i.exec(stem);
  if (match && classNames.has(match[1]!.toLowerCase())) return true;
  const sample = lines.slice(0, 20);
  return sample.length > 0 && sample.every((l) => /^\S+\s+(-1|0|1)$/.test(l));
}

export async function readSplitLists(root: string, yearDir: string, classes: readonly string[], issues?: DatasetIssue[]): Promise<SplitList[]> {
  const classNames = new Set(classes.map((c) => c.toLowerCase()));
  const lists: SplitList[] = [];
  for (const folder of SPLIT_FOLDERS) {
    const dir = join(yearDir, 'ImageSets', folder);
    for (const name of await listFiles(dir, { root, ...(issues ? { issues } : {}) })) {
      if (!name.toLowerCase().endsWith('.txt')) continue;
      const stem = name.slice(0, -4);
      const path = join(dir, name);
      const lines = (await readRegularText(path, { root, label: relativePosix(root, path) })).split(/\r?\n/).map((l) => l.trim());
      const nonEmpty = lines.filter((l) => l.length > 0);
      if (isPerClassFile(stem, nonEmpty, classNames)) continue;
      const entries: SplitList['entries'] = [];
      lines.forEach((text, i) => {
        const id = text.split(/\s+/)[0];
        if (id) entries.push({ id, line: i + 1 });
      });
      lists.push({ name: stem, file: relativePosix(root, path), entries });
    }
  }
  return lists;
}
