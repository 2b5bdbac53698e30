/** The class list: classes.txt (first line background) if present, else the 20 VOC classes. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DatasetIssue } from '@shared/domain/dataset';
import { VOC_CLASSES } from '../../codecs/voc-palette';
import { isFile, relativePosix } from '../fs-utils';

export interface ClassList {
  classes: string[];
  /** Where the list came from, relative to the root ('' = the built-in VOC list). */
  source: string;
  issues: DatasetIssue[];
}

const BACKGROUND_NAMES = new Set(['background', '_background_', '__background__', 'bg']);

/** Look for classes.txt in the year folder, then in each parent up to and including the root. */
async function findClassesFile(root: string, yearDir: string): Promise<string | null> {
  let dir = yearDir;
  for (;;) {
    const candidate = join(dir, 'classes.txt');
    if (await isFile(candidate)) return candidate;
    if (dir === root || dirname(dir) === dir || !dir.startsWith(root)) return null;
    dir = dirname(dir);
  }
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
  const file = await findClassesFile(root, yearDir);
  if (!file) return { classes: [...VOC_CLASSES], source: '', issues: [] };
  const label = relativePosix(root, file);
  const { classes, issues } = parseClassesText(await readFile(file, 'utf8'), label);
  return { classes, source: label, issues };
}
