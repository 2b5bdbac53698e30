/**
 * The one confinement rule (docs/reliability.md): a path is inside a root when its path relative to
 * the root neither is `..`, nor starts with `../`, nor is absolute. A folder named `..something` is
 * inside; a sibling `root-other` is not. The lexical test (`isInside`) is for paths that are built
 * from parts we trust; anything that can hold a symlink is also compared by real path
 * (`isReallyInside`, `resolveReallyInside`): symlinks are followed only while they stay in the root.
 */
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ApiError } from '@shared/envelope';

/** Does a path relative to some root leave it? */
export function leavesRoot(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** Lexical containment: `candidate` is `root` or lies below it (both resolved, symlinks not read). */
export function isInside(root: string, candidate: string): boolean {
  return !leavesRoot(relative(resolve(root), resolve(candidate)));
}

/** Joins a relative path onto a root, refusing `../` and absolute escapes (lexically). */
export function resolveInside(root: string, relativePath: string): string {
  if (isAbsolute(relativePath)) throw new ApiError('FORBIDDEN_PATH', `Path "${relativePath}" must be relative to ${root}.`);
  const full = resolve(root, relativePath);
  if (!isInside(root, full)) throw new ApiError('FORBIDDEN_PATH', `Path "${relativePath}" leaves ${root}.`);
  return full;
}

const isMissing = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/**
 * The real path of `path`: symlinks resolved. For a path that does not exist yet (an output folder),
 * the real path of its nearest existing ancestor joined with the rest, so that a new folder below a
 * symlink is placed where the symlink leads.
 */
export async function realPathOf(path: string): Promise<string> {
  const abs = resolve(path);
  const rest: string[] = [];
  let current = abs;
  for (;;) {
    try {
      return join(await realpath(current), ...rest.reverse());
    } catch (err) {
      if (!isMissing(err)) throw err;
      const parent = dirname(current);
      if (parent === current) return abs;
      rest.push(basename(current));
      current = parent;
    }
  }
}

/** `realPathOf`, synchronously (for guards that run where no await fits). */
export function realPathOfSync(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  let current = abs;
  for (;;) {
    try {
      return join(realpathSync(current), ...rest.reverse());
    } catch (err) {
      if (!isMissing(err)) throw err;
      const parent = dirname(current);
      if (parent === current) return abs;
      rest.push(basename(current));
      current = parent;
    }
  }
}

/** Containment by real path: symlinks on either side are resolved first. */
export async function isReallyInside(root: string, candidate: string): Promise<boolean> {
  const [realRoot, realCandidate] = await Promise.all([realPathOf(root), realPathOf(candidate)]);
  return isInside(realRoot, realCandidate);
}

/**
 * Joins a relative path read from a data file (images.json `file`, COCO `file_name`, …) onto its
 * root and checks it twice: lexically, and by real path, so that a symlink inside the root that
 * leads out of it is refused too. Returns the lexical path (the one the user sees).
 */
export async function resolveReallyInside(root: string, relativePath: string): Promise<string> {
  const full = resolveInside(root, relativePath);
  if (!(await isReallyInside(root, full))) {
    throw new ApiError('FORBIDDEN_PATH', `Path "${relativePath}" leads out of ${root} through a symlink; it is not followed.`);
  }
  return full;
}
