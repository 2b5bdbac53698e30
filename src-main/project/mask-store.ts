/**
 * Corrected masks of a project: `masks/<id>.png` is the current mask (8-bit indexed PNG, VOC palette,
 * 255 = void) and `masks/.history/<id>/<n>.png` keeps every revision, n = 1, 2, … Saving writes the
 * new revision first (exclusively: a revision file is never replaced), then atomically replaces the
 * current mask, so a crash between the two leaves the previous current mask plus one extra revision,
 * and nothing is lost. Reverting to revision k saves k's content as a new revision. A crashed save's
 * temp file in the revision folder is removed by the next save of that image (and when the project
 * opens). Every read error names the image and the file.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { IndexMask } from '@shared/domain/dataset';
import { VOID_LABEL } from '@shared/domain/dataset';
import { decodeIndexedPng, encodeIndexedPng } from '../codecs/indexed-png';
import { removeStaleTemps, writeFileAtomic } from '../fs/atomic-write';
import { readRegular, UnreadableFileError } from '../fs/read-regular';
import { MaskRejectedError } from './errors';
import { historyDir, maskPath } from './project-paths';
import type { ProjectImage } from './project-schema';

/** What the mask store needs from its project. */
export interface MaskOwner {
  image(id: string): ProjectImage;
  readonly meta: { readonly classes: readonly string[] };
  /** Throws when the project is open read-only. */
  assertWritable(): void;
}

export interface MaskRevision {
  n: number;
  savedAt: string;
}

const REVISION = /^(\d+)\.png$/;

export class MaskStore {
  constructor(
    private readonly dir: string,
    private readonly owner: MaskOwner,
  ) {}

  /** Check a mask against its image: size and values (class indices or 255). */
  private check(id: string, mask: IndexMask): void {
    const image = this.owner.image(id);
    if (mask.data.length !== mask.width * mask.height) throw new MaskRejectedError(`mask for "${id}" has ${mask.data.length} bytes for ${mask.width}×${mask.height}`);
    if ((image.width !== null && image.width !== mask.width) || (image.height !== null && image.height !== mask.height)) {
      throw new MaskRejectedError(`mask for "${id}" is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}`);
    }
    const classCount = this.owner.meta.classes.length;
    for (const v of mask.data) {
      if (v >= classCount && v !== VOID_LABEL) throw new MaskRejectedError(`mask for "${id}" holds value ${v}, which is no class (0..${classCount - 1}) nor void (255)`);
    }
  }

  async revisions(id: string): Promise<MaskRevision[]> {
    this.owner.image(id);
    let names: string[];
    try {
      names = await readdir(historyDir(this.dir, id));
    } catch {
      return [];
    }
    const ns = names.flatMap((name) => {
      const m = REVISION.exec(name);
      return m ? [Number(m[1])] : [];
    });
    ns.sort((a, b) => a - b);
    return Promise.all(ns.map(async (n) => ({ n, savedAt: (await stat(join(historyDir(this.dir, id), `${n}.png`))).mtime.toISOString() })));
  }

  /** Save a new revision and make it current. Returns its number. */
  async save(id: string, mask: IndexMask): Promise<number> {
    this.owner.assertWritable();
    this.check(id, mask);
    const bytes = encodeIndexedPng(mask);
    const dir = historyDir(this.dir, id);
    await mkdir(dir, { recursive: true });
    await removeStaleTemps(dir);
    const last = (await this.revisions(id)).at(-1)?.n ?? 0;
    let n = last + 1;
    for (;;) {
      try {
        await writeFileAtomic(join(dir, `${n}.png`), bytes, { exclusive: true });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        n++; // another writer took this number: take the next, never replace
      }
    }
    await writeFileAtomic(maskPath(this.dir, id), bytes);
    return n;
  }

  /** The current mask, or null when none was saved. */
  async read(id: string): Promise<IndexMask | null> {
    this.owner.image(id);
    return this.decode(id, maskPath(this.dir, id));
  }

  async readRevision(id: string, n: number): Promise<IndexMask> {
    this.owner.image(id);
    const mask = await this.decode(id, join(historyDir(this.dir, id), `${n}.png`));
    if (!mask) throw new Error(`mask of "${id}" has no revision ${n}`);
    return mask;
  }

  /** Read and decode one mask file; null when absent, else an error naming the image and the file. */
  private async decode(id: string, path: string): Promise<IndexMask | null> {
    const label = relative(this.dir, path);
    let bytes: Buffer;
    try {
      bytes = await readRegular(path, { kind: 'mask', label });
    } catch (err) {
      if (err instanceof UnreadableFileError && err.reason === 'file not found') return null;
      throw new Error(`mask of "${id}" (${label}) cannot be read: ${err instanceof UnreadableFileError ? err.reason : (err as Error).message}`);
    }
    try {
      return decodeIndexedPng(bytes).mask;
    } catch (err) {
      throw new Error(`mask of "${id}" (${label}): ${(err as Error).message}`);
    }
  }

  /** Make revision n current again, as a new revision (history is never rewritten). */
  async revert(id: string, n: number): Promise<number> {
    return this.save(id, await this.readRevision(id, n));
  }
}
