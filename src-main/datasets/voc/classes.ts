/**
 * The class list: classes.txt (first line background) if present, else the 20 VOC classes. A
 * classes.txt that is there but cannot be used (a FIFO, a symlink out of the dataset) is an issue
 * that says the VOC classes are used instead; it is never replaced silently.
 */
import { dirname, join } from 'node:path';
import type { DatasetIssue } from '@shared/domain/dataset';
import { VOC_CLASSES } from '../../codecs/voc-palette';
import { isInside } from '../../fs/confine';
import { readRegularText } from '../../fs/read-regular';
import { entryKind, relativePosix } from '../fs-utils';

export interface ClassList {
  classes: string[];
  /** Where the list came from, relative to the root ('' = the built-in VOC list). */
  source: string;
  issues: DatasetIssue[];
}

const BACKGROUND_NAMES = new Set(['background', '_background_', '__background__', 'bg']);

/**
 * Look for classes.txt in the year folder, then in each parent up to and including the root. The
 * first one found decides: a usable file, or one that is refused (with the reason).
 */
async function findClassesFile(root: string, yearDir: string): Promise<{ file: string; refused: string | null } | null> {
  let dir = yearDir;
  for (;;) {
    const candidate = join(dir, 'classes.txt');
    const entry = await entryKind(root, candidate);
    if (entry.kind === 'file') return { file: candidate, refused: null };
    if (entry.kind === 'outside' || entry.kind === 'special') return { file: candidate, refused: entry.reason };
    if (entry.kind === 'dir') return { file: candidate, refused: 'is a folder, not a file' };
    if (dir === root || dirname(dir) === dir || !isInside(root, dir)) return null;
    dir = dirname(dir);
  }
}

/** Read and parse a classes.txt that the symlink rule allows (inside `root`, a regular file). */
export async function readClassesFile(root: string, file: string): Promise<{ classes: string[]; issues: DatasetIssue[] }> {
  const label = relativePosix(root, file);
  return parseClassesText(await readRegularText(file, { root, kind: 'text', label }), label);
}

export function parseClassesText(text: string, fileLabel: string): { classes: string[]; issues: DatasetIssue[] } {
  const issues: DatasetIssue[] = [];
  const names = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
  if (names.length === 0) throw new Error(`${fileLabel} lists no classes`);
  if (!BACKGROUND_NAMES.has(names[0]!.toLowerCase())) {
    issues.push({ file: fileLabel, reason: `first line is "${names[0]}", not background; added background as class 0` });
    names.unshift('background');
  }
  names[0] = 'background';
  const seen = new Set<string>();
  const classes: string[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key)) {
      issues.push({ file: fileLabel, reason: `class "${name}" is listed twice; kept the first` });
      continue;
    }
    seen.add(key);
    classes.push(name);
  }
  if (classes.length > 255) throw new Error(`${fileLabel} lists ${classes.length} classes; at most 255 fit (255 is void)`);
  return { classes, issues };
}

export async function loadClassList(root: string, yearDir: string): Promise<ClassList> {
  const found = await findClassesFile(root, yearDir);
  if (!found) return { classes: [...VOC_CLASSES], source: '', issues: [] };
  const label = relativePosix(root, found.file);
  if (found.refused !== null) {
    return { classes: [...VOC_CLASSES], source: '', issues: [{ file: label, reason: `${found.refused}; the 20 VOC classes are used instead` }] };
  }
  const { classes, issues } = await readClassesFile(root, found.file);
  return { classes, source: label, issues };
}
