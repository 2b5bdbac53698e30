/**
 * An export folder built crash-safely: everything is written under `<out>.partial-<pid>`, each file
 * to a temp name in its final folder, fsynced and renamed; only a complete export is renamed to
 * `<out>`. A kill -9 at any moment leaves either no `<out>` or the previous one, and the partial
 * folder holds only whole files under their final names (plus at most one `.tmp-*` file).
 *
 * Every export we write carries a marker file (EXPORT_MARKER). `overwrite` replaces only a folder
 * holding that marker: never a folder we did not write as an export (a dataset, a project, a parent
 * with unrelated files), and never a symlink. Callers also pass the output guard (fs/output-guard.ts)
 * so that an export never is, contains or lies inside the project or the dataset.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { checkRegular } from '../fs/read-regular';
import { ExportError } from './types';
import { entryExists, pathExists } from '../fs/exists';

/** The marker every export folder carries; only a folder holding it may be replaced. */
export const EXPORT_MARKER = '.eader-export.json';
const MARKER_FORMAT = 'eader-export/1';

/** Why `out` may not be replaced by an export, or null when it may (it holds our marker). */
async function notReplaceable(out: string): Promise<string | null> {
  const info = await lstat(out);
  if (info.isSymbolicLink()) return 'it is a symlink';
  if (!info.isDirectory()) return 'it is not a folder';
  try {
    const marker = JSON.parse(await readFile(join(out, EXPORT_MARKER), 'utf8')) as { format?: unknown };
    if (marker.format === MARKER_FORMAT) return null;
  } catch {
    // no marker, or not ours
  }
  return `it was not written by eader export (no ${EXPORT_MARKER} marker)`;
}

async function fsyncPath(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a folder for sync; renames there are still atomic.
  } finally {
    await handle?.close();
  }
}


function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An export-relative path: forward slashes, no absolute parts, no `..`, no hidden temp names. */
function checkRelative(rel: string): string[] {
  const parts = rel.split('/');
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..' || part.includes('\\') || part.includes('\0') || part.startsWith('.tmp-')) {
      throw new ExportError(`invalid file name in export: "${rel}"`);
    }
  }
  return parts;
}

export class ExportDir {
  private readonly dirs = new Set<string>();
  private readonly written: string[] = [];
  private finished = false;

  private constructor(
    /** Final location. */
    readonly out: string,
    /** Where files go until commit. */
    readonly partial: string,
    private readonly overwrite: boolean,
  ) {}

  static async create(outPath: string, options: { overwrite?: boolean } = {}): Promise<ExportDir> {
    const out = resolve(outPath);
    if (dirname(out) === out) throw new ExportError('cannot export to a filesystem root');
    if (await entryExists(out)) {
      if (!options.overwrite) throw new ExportError(`${out} already exists; choose another folder or pass overwrite (--overwrite)`);
      const why = await notReplaceable(out);
      if (why) throw new ExportError(`${out} is not replaced: ${why}; only a folder written by an export is replaced. Choose another folder.`);
    }
    await mkdir(dirname(out), { recursive: true });
    await ExportDir.removeStalePartials(out);
    const partial = `${out}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial);
    return new ExportDir(out, partial, options.overwrite ?? false);
  }

  /** Remove `<out>.partial-<pid>` folders left by export processes that no longer run. */
  private static async removeStalePartials(out: string): Promise<void> {
    const prefix = `${basename(out)}.partial-`;
    for (const name of await readdir(dirname(out))) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) {
        await rm(join(dirname(out), name), { recursive: true, force: true });
      }
    }
  }

  /** Relative paths written so far, sorted. */
  files(): string[] {
    return [...this.written].sort();
  }

  private async target(rel: string): Promise<{ path: string; temp: string }> {
    if (this.finished) throw new ExportError('export folder is already committed or aborted');
    const parts = checkRelative(rel);
    const path = join(this.partial, ...parts);
    const dir = dirname(path);
    if (!this.dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    return { path, temp: join(dir, `.tmp-${parts[parts.length - 1]!}-${randomBytes(4).toString('hex')}`) };
  }

  /** Write one file atomically (temp name in the same folder, fsync, rename). */
  async writeFile(rel: string, data: Uint8Array | string): Promise<void> {
    const { path, temp } = await this.target(rel);
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    this.written.push(rel);
  }

  /**
   * Put a copy (or a hard link, falling back to a copy across devices) of `source` at `rel`. With a
   * root, the source must be a regular file inside it by real path (a symlink out of the dataset is
   * never copied).
   */
  async placeFile(rel: string, source: string, mode: 'copy' | 'link', root?: string): Promise<void> {
    if (root !== undefined) await checkRegular(source, { root, kind: 'image' }).catch((err: Error) => Promise.reject(new ExportError(`image ${err.message}`)));
    const { path, temp } = await this.target(rel);
    try {
      let linked = false;
      if (mode === 'link') {
        try {
          await link(source, temp);
          linked = true;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw err;
        }
      }
      if (!linked) {
        await copyFile(source, temp);
        await fsyncPath(temp);
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !(await pathExists(source))) {
        throw new ExportError(`image ${source} does not exist`);
      }
      throw err;
    }
    this.written.push(rel);
  }

  /** fsync every folder, then move the finished export into place (replacing the old one if allowed). */
  async commit(): Promise<void> {
    await this.writeFile(EXPORT_MARKER, `${JSON.stringify({ format: MARKER_FORMAT, createdAt: new Date().toISOString(), files: this.written.length })}\n`);
    this.written.pop(); // the marker is ours, not part of the export's file list
    const folders = [...this.dirs].sort((a, b) => b.length - a.length);
    for (const dir of folders) await fsyncPath(dir);
    await fsyncPath(this.partial);
    this.finished = true;
    let previous: string | null = null;
    if (await entryExists(this.out)) {
      if (!this.overwrite) throw new ExportError(`${this.out} appeared during the export; the export is left in ${this.partial}`);
      const why = await notReplaceable(this.out);
      if (why) throw new ExportError(`${this.out} is not replaced: ${why}; the export is left in ${this.partial}`);
      previous = `${this.out}.old-${process.pid}`;
      await rm(previous, { recursive: true, force: true });
      await rename(this.out, previous);
    }
    await rename(this.partial, this.out);
    await fsyncPath(dirname(this.out));
    if (previous) await rm(previous, { recursive: true, force: true });
  }

  /** Throw the partial export away. */
  async abort(): Promise<void> {
    this.finished = true;
    await rm(this.partial, { recursive: true, force: true });
  }
}

/** `a/b` with the platform separator turned to `/` (for relative paths written into exports). */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
