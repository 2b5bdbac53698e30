/** Paths from data files or the renderer stay inside the roots the user picked. */
import { isAbsolute, relative, resolve } from 'node:path';
import { ApiError } from '@shared/envelope';

export function isInside(root: string, candidate: string): boolean {
  const rel = relative(resolve(root), resolve(candidate));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Joins a relative path onto a root, refusing `../` and absolute escapes. */
export function resolveInside(root: string, relativePath: string): string {
  if (isAbsolute(relativePath)) throw new ApiError('FORBIDDEN_PATH', `Path "${relativePath}" must be relative to ${root}.`);
  const full = resolve(root, relativePath);
  if (!isInside(root, full)) throw new ApiError('FORBIDDEN_PATH', `Path "${relativePath}" leaves ${root}.`);
  return full;
}
