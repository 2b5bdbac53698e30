/** Find the VOC year folder (the one holding JPEGImages/) under what the user opened. */
import { basename, join } from 'node:path';
import type { DatasetIssue } from '@shared/domain/dataset';
import { isDirectory, listDirs, relativePosix } from '../fs-utils';

export interface VocLocation {
  /** Absolute path of the year folder, e.g. …/VOCdevkit/VOC2012 (may equal the root). */
  yearDir: string;
  /** Other year folders that were found and not used. */
  issues: DatasetIssue[];
}

function yearOf(name: string): number {
  const match = /(\d{4})/.exec(name);
  return match ? Number(match[1]) : -1;
}

export async function locateVocYear(root: string): Promise<VocLocation> {
  if (!(await isDirectory(root))) throw new Error(`dataset root ${root} is not a folder`);
  if (await isDirectory(join(root, 'JPEGImages'))) return { yearDir: root, issues: [] };

  const candidates: string[] = [];
  for (const base of [root, join(root, 'VOCdevkit')]) {
    for (const name of await listDirs(base)) {
      if (/^VOC/i.test(name) && (await isDirectory(join(base, name, 'JPEGImages')))) candidates.push(join(base, name));
    }
  }
  if (candidates.length === 0) {
    throw new Error(
      `no Pascal VOC dataset in ${root}: expected JPEGImages/ there, or VOCdevkit/VOC20xx/JPEGImages/ (or VOC20xx/JPEGImages/)`,
    );
  }
  candidates.sort((a, b) => yearOf(basename(b)) - yearOf(basename(a)) || basename(b).localeCompare(basename(a)));
  const [chosen, ...others] = candidates as [string, ...string[]];
  return {
    yearDir: chosen,
    issues: others.map((dir) => ({
      file: relativePosix(root, dir),
      reason: `not used: several VOC years found, opened the newest (${basename(chosen)})`,
    })),
  };
}
