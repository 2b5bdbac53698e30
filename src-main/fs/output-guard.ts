/**
 * The output guard (docs/reliability.md): every folder we write (a run, masks, an export, a project,
 * a cache) is checked here, at the entry of its writer (CLI command or service), against the folders
 * we must never write: an opened dataset, and, for outputs that replace a folder, the project too.
 * Paths are compared by real path (symlinks resolved, also for outputs that do not exist yet).
 */
import { ApiError } from '@shared/envelope';
import { isInside, realPathOf } from './confine';

export interface ProtectedFolder {
  path: string;
  /** The folder in words, for the message: "the dataset", "the project". */
  what: string;
  /** Sub-folders of `path` where this output may go after all (a project's `exports/`). */
  allowBelow?: string[];
}

export interface GuardOptions {
  /** How the output is named in the message ("--out", "the project folder"). */
  label: string;
  /**
   * The output replaces what is there (export --overwrite): it must not contain a protected folder
   * either, since replacing it would delete that folder with it.
   */
  replaces?: boolean;
}

/** Throws ApiError FORBIDDEN_PATH when `output` is, lies inside (or, when it replaces, contains) a protected folder. */
export async function refuseProtectedOutput(output: string, protectedFolders: readonly ProtectedFolder[], options: GuardOptions): Promise<void> {
  const out = await realPathOf(output);
  for (const folder of protectedFolders) {
    const real = await realPathOf(folder.path);
    const allowed = await Promise.all((folder.allowBelow ?? []).map(async (below) => isInside(await realPathOf(below), out) && out !== (await realPathOf(below))));
    if (isInside(real, out) && !allowed.some(Boolean)) {
      const how = out === real ? 'is' : 'lies inside';
      throw new ApiError('FORBIDDEN_PATH', `${options.label} ${output} ${how} ${folder.what} folder ${folder.path}; ${folder.what} is never written: pick a folder outside it.`);
    }
    if (options.replaces && isInside(out, real)) {
      throw new ApiError('FORBIDDEN_PATH', `${options.label} ${output} contains ${folder.what} folder ${folder.path}; replacing it would delete ${folder.what}: pick another folder.`);
    }
  }
}

/** The dataset as a protected folder: the path as picked (a COCO .json's folder counts) and its root. */
export function datasetFolders(root: string, pickedPath?: string): ProtectedFolder[] {
  const folders: ProtectedFolder[] = [{ path: root, what: 'the dataset' }];
  if (pickedPath !== undefined && pickedPath !== root && !pickedPath.toLowerCase().endsWith('.json')) folders.push({ path: pickedPath, what: 'the dataset' });
  return folders;
}

/** The common case: an output (run, masks, cache) must not be or lie inside the opened dataset. */
export function refuseInsideDataset(output: string, datasetRoot: string, label: string, pickedPath?: string): Promise<void> {
  return refuseProtectedOutput(output, datasetFolders(datasetRoot, pickedPath), { label });
}
