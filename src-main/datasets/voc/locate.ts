/** Find the VOC year folder (the one holding JPEGImages/) under what the user opened. */
import { basename, join } from 'node:path';
import type { DatasetIssue } from '@shared/domain/dataset';
import { entryKind, isDirectory, listDirs, relativePosix } from '../fs-utils';

export interface VocLocation {
  /** Absolute path of the year folder, e.g. …/VOCdevkit/VOC2012 (may equal the root). */
  yearDir: string;
  /** Other year folders that were found and not used, and year folders that lead out of the root. */
  issues: DatasetIssue[];
}

function yearOf(name: string): number {
  const match = /(\d{4})/.exec(name);
  return match ? Number(match[1]) : -1;
}

/**
 * JPEGImages/ in `dir` counts when it is there at all: one that is a symlink out of the root (or not a
 * folder) still makes this the year folder, and the image listing reports it (fs-utils' symlink rule),
 * so the user reads why there are no images instead of "no dataset here".
 */
const hasImagesFolder = async (root: string, dir: string): Promise<boolean> => (await entryKind(root, join(dir, 'JPEGImages'))).kind !== 'missing';

export async function locateVocYear(root: string): Promise<VocLocation> {
  if (!(await isDirectory(root))) throw new Error(`dataset root ${root} is not a folder`);
  if (await hasImagesFolder(root, root)) return { yearDir: root, issues: [] };

  const issues: DatasetIssue[] = [];
  const candidates: string[] = [];
  for (const base of [root, join(root, 'VOCdevkit')]) {
    for (const name of await listDirs(base, { root, issues })) {
      if (/^VOC/i.test(name) && (await hasImagesFolder(root, join(base, name)))) candidates.push(join(base, name));
    }
  }
  if (candidates.length === 0) {
    const why = issues.length > 0 ? `; ${issues.map((i) => `${i.file} ${i.reason}`).join('; ')}` : '';
    throw new Error(`no Pascal VOC dataset in ${root}: expected JPEGImages/ there, or VOCdevkit/VOC20xx/JPEGImages/ (or VOC20xx/JPEGImages/)${why}`);
  }
  candidates.sort((a, b) => yearOf(basename(b)) - yearOf(basename(a)) || basename(b).localeCompare(basename(a)));
  const [chosen, ...others] = candidates as [string, ...string[]];
  return {
    yearDir: chosen,
    issues: [
      ...issues,
      ...others.map((dir) => ({
        file: relativePosix(root, dir),
        reason: `not used: several VOC years found, opened the newest (${basename(chosen)})`,
      })),
    ],
  };
}
