/**
 * Small read-only file helpers shared by the dataset readers. Nothing here writes.
 *
 * The one symlink rule of every reader (docs/reliability.md): a symlink is followed only while it
 * stays inside the dataset root (by real path); one that leads out of it, and anything that is not a
 * regular file or a folder (a FIFO, a socket, a device), is reported as an issue naming the file and
 * is never opened. Give these helpers the root and an issue list and they apply the rule.
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { DatasetIssue } from '@shared/domain/dataset';
import { isReallyInside, realPathOf } from '../fs/confine';
import { readRegularHead } from '../fs/read-regular';

/** What a path is, by the symlink rule. `reason` says why an `outside` or `special` entry is not used. */
export type EntryKind = { kind: 'file' | 'dir' | 'missing' } | { kind: 'outside' | 'special'; reason: string };

function specialName(info: Stats | Dirent): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** Classify `path` (inside `root`, lexically) by the symlink rule. */
export async function entryKind(root: string, path: string): Promise<EntryKind> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch {
    return { kind: 'missing' };
  }
  if (!(await isReallyInside(root, path))) {
    return { kind: 'outside', reason: `is a symlink that leads out of the dataset folder (to ${await realPathOf(path)}); it is not followed` };
  }
  if (info.isFile()) return { kind: 'file' };
  if (info.isDirectory()) return { kind: 'dir' };
  return { kind: 'special', reason: `is ${specialName(info)}, not a regular file; it is not read` };
}

/** Options that apply the symlink rule: the dataset root, and where refused entries are reported. */
export interface RuleOptions {
  root: string;
  issues?: DatasetIssue[];
}

export async function isDirectory(path: string, rule?: RuleOptions): Promise<boolean> {
  if (rule) return (await checked(path, rule)) === 'dir';
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function isFile(path: string, rule?: RuleOptions): Promise<boolean> {
  if (rule) return (await checked(path, rule)) === 'file';
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The kind of `path` by the rule, reporting an outside or special entry to `rule.issues`. */
async function checked(path: string, rule: RuleOptions): Promise<'file' | 'dir' | 'missing' | 'refused'> {
  const entry = await entryKind(rule.root, path);
  if (entry.kind === 'outside' || entry.kind === 'special') {
    rule.issues?.push({ file: relativePosix(rule.root, path), reason: entry.reason });
    return 'refused';
  }
  return entry.kind;
}

/**
 * Names of the files in a folder (not hidden ones), sorted; [] when the folder is absent. Without a
 * rule: regular files only (symlinks not followed). With one: symlinks to regular files inside the
 * root too, and every other non-folder entry (FIFO, device, symlink out of the root) is reported.
 */
export async function listFiles(dir: string, rule?: RuleOptions): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  if (rule && (await checked(dir, rule)) !== 'dir') return []; // the folder itself leads out of the root
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.isDirectory()) continue;
    if (e.isFile()) names.push(e.name);
    else if (rule && (await checked(join(dir, e.name), rule)) === 'file') names.push(e.name);
  }
  return names.sort();
}

/** Names of the sub-folders of a folder, sorted; [] when absent. With a rule, symlinked folders inside the root count. */
export async function listDirs(dir: string, rule?: RuleOptions): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  if (rule && (await checked(dir, rule)) !== 'dir') return [];
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) names.push(e.name);
    else if (rule && e.isSymbolicLink() && (await checked(join(dir, e.name), rule)) === 'dir') names.push(e.name);
  }
  return names.sort();
}

/**
 * The first `length` bytes of a regular file (fewer if the file is shorter), opened read-only and
 * non-blocking; a FIFO or device throws an UnreadableFileError naming it, and so does a symlink out
 * of `root` when given.
 */
export async function readHead(path: string, length: number, root?: string): Promise<Uint8Array> {
  return readRegularHead(path, length, root !== undefined ? { root } : {});
}

/** `path` relative to `root`, with forward slashes (the form stored in a DatasetIndex). */
export function relativePosix(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/** Map with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
