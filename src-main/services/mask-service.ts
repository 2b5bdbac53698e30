/**
 * The project's masks for the editor: load (the saved mask, else the dataset's GT as an import,
 * else all background), save as a new revision (atomic indexed PNG), list and revert revisions.
 */
import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { MaskDocumentPayload, MaskImportResult, MaskSaveInput } from '@shared/domain/mask-view';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { readRegular, UnreadableFileError } from '../fs/read-regular';
import { ApiError, asApiError, errorText, type ErrorCode } from '@shared/envelope';
import { MaskRejectedError, UnknownImageError } from '../project/errors';
import type { DatasetSession } from './dataset-session';
import type { ProjectSession } from './project-session';

/** A mask the project refuses (size, values, unknown image) is the caller's; anything else (the disk) is not. */
export function maskSaveCode(error: unknown): ErrorCode {
  return error instanceof MaskRejectedError || error instanceof UnknownImageError ? 'INVALID_INPUT' : 'UNAVAILABLE';
}

export class MaskService {
  constructor(
    private readonly datasets: DatasetSession,
    private readonly projects: ProjectSession,
  ) {}

  async load(id: string): Promise<MaskDocumentPayload> {
    const project = this.projects.require();
    const image = project.image(id);
    const { classes, palette } = project.meta;
    const revisions = await project.masks.revisions(id);
    const saved = await project.masks.read(id);
    if (saved) return { ...saved, classes, palette, source: 'project', revision: revisions.at(-1)?.n ?? null };
    const gt = await this.datasets.gt(id);
    if (gt) return { ...gt, classes, palette, source: 'dataset-gt', revision: null };
    const size = image.width && image.height ? { width: image.width, height: image.height } : await this.imageSize(id);
    return { ...size, data: new Uint8Array(size.width * size.height), classes, palette, source: 'empty', revision: null };
  }

  async save(input: MaskSaveInput): Promise<{ revision: number }> {
    const project = this.projects.require();
    const revision = await asApiError(maskSaveCode, () => project.masks.save(input.id, { width: input.width, height: input.height, data: input.data }), `Could not save the mask of "${input.id}": `);
    return { revision };
  }

  revisions(id: string) {
    return this.projects.require().masks.revisions(id);
  }

  async revert(id: string, n: number): Promise<{ revision: number }> {
    return { revision: await asApiError('NOT_FOUND', () => this.projects.require().masks.revert(id, n)) };
  }

  /**
   * Import masks made elsewhere (another annotation tool, a VOC SegmentationClass folder): every
   * `<imageId>.png` in `dir` (indexed or greyscale, values = class indices, 255 = void) becomes a new
   * revision of that image's mask. Bad files are reported and skipped; the folder is only read.
   */
  async importFolder(dir: string): Promise<MaskImportResult> {
    const project = this.projects.require();
    const root = resolve(dir);
    let names: string[];
    try {
      names = (await readdir(root)).filter((n) => extname(n).toLowerCase() === '.png').sort();
    } catch {
      throw new ApiError('NOT_FOUND', `Cannot read the folder ${root}.`);
    }
    const result: MaskImportResult = { imported: 0, skipped: [] };
    for (const name of names) {
      const id = name.slice(0, -4);
      try {
        project.image(id);
      } catch {
        result.skipped.push({ file: name, reason: 'no image with this id in the project' });
        continue;
      }
      try {
        const { mask } = decodeIndexedPng(await readRegular(join(root, name), { root, kind: 'mask', label: name }));
        await project.masks.save(id, mask);
        result.imported++;
      } catch (error) {
        result.skipped.push({ file: name, reason: error instanceof UnreadableFileError ? error.reason : errorText(error) });
      }
    }
    return result;
  }

  review(id: string): { status: 'unreviewed' | 'accepted' | 'needs-work'; comment: string } {
    const image = this.projects.require().image(id);
    return { status: image.review, comment: image.comment };
  }

  private async imageSize(id: string): Promise<{ width: number; height: number }> {
    const image = await this.datasets.image(id, 8192);
    return { width: image.originalWidth, height: image.originalHeight };
  }
}
