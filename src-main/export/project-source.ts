/**
 * Feed an exporter from a project folder, through the project store's public API only
 * (`Project.open`, `images()`, `meta`, `imagePath`, `masks.read`). Images without a saved mask
 * (`masks/<id>.png`) are not exported; they are counted so the caller can say so.
 */
import { join } from 'node:path';
import { datasetFolders } from '../fs/output-guard';
import { EXPORTS_DIR } from '../project/project-paths';
import { Project } from '../project/project-store';
import type { RgbTriple } from '../codecs/voc-palette';
import type { ExportItem, ExportSource } from './types';

export interface ProjectSource extends ExportSource {
  /** Ids of images that have no saved mask, filled in as the items are read. */
  withoutMask: string[];
}

export async function sourceFromProject(projectDir: string): Promise<ProjectSource> {
  const project = await Project.open(projectDir, { readOnly: true });
  const { meta } = project;
  const images = project.images();
  const withoutMask: string[] = [];
  async function* items(): AsyncGenerator<ExportItem> {
    for (const image of images) {
      const mask = await project.masks.read(image.id);
      if (!mask) {
        withoutMask.push(image.id);
        continue;
      }
      yield {
        id: image.id,
        imageFile: project.imagePath(image.id),
        width: mask.width,
        height: mask.height,
        mask,
        review: image.review,
        splits: [...image.splits],
      };
    }
  }
  return {
    classes: [...meta.classes],
    palette: meta.palette.map((c): RgbTriple => [c[0], c[1], c[2]]),
    imageRoot: meta.dataset.root,
    items: items(),
    total: images.length,
    withoutMask,
    // Never the project itself or any of it but exports/, never the dataset.
    protect: [{ path: project.dir, what: 'the project', allowBelow: [join(project.dir, EXPORTS_DIR)] }, ...datasetFolders(meta.dataset.root, meta.dataset.path)],
  };
}
