/**
 * The label folders of a round, staged for the trainer (which copies them into its run): the
 * localizer's pseudo-masks of the training images rendered from its cam cache by the one pipeline
 * (with the round's ignore band), and the project's trusted masks, as `<imageId>.png`.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { renderPseudoMask, type RenderSettings } from '@shared/pseudo/render';
import { encodeIndexedPng } from '../codecs/indexed-png';
import { writeFileAtomic } from '../fs/atomic-write';
import { maskPath } from '../project/project-paths';
import type { Project } from '../project/project-store';
import type { CamCache, GuideSource } from '../pseudo/cam-cache';
import { maskFileOf } from '../runs/segmenter-labels';

/** Renders each cached image of `ids` at its own size into `<dir>/<id>.png`; returns how many it wrote. */
export async function stagePseudoMasks(cache: CamCache, ids: readonly string[], settings: RenderSettings, dir: string, guides: GuideSource): Promise<number> {
  let written = 0;
  for (const id of ids) {
    const cams = await cache.read(id, settings.refine === 'none' ? null : guides);
    if (!cams) continue;
    const size = { width: cams.imageWidth, height: cams.imageHeight };
    const file = maskFileOf(dir, id);
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, encodeIndexedPng({ ...size, data: renderPseudoMask(cams, settings, size) }));
    written++;
  }
  return written;
}

/** Copies the project's current masks of `ids` into `<dir>/<id>.png`. */
export async function stageTrustedMasks(project: Project, ids: readonly string[], dir: string): Promise<void> {
  for (const id of ids) {
    const file = maskFileOf(dir, id);
    await mkdir(dirname(file), { recursive: true });
    await copyFile(maskPath(project.dir, id), file);
  }
}

/** A fixed fifth of the trusted images (by a hash of the id), kept out of training to score rounds when there is no GT. */
export function heldOutOf(ids: readonly string[], fraction = 0.2): string[] {
  if (ids.length < 2) return [];
  const hash = (id: string): number => {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(id)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h;
  };
  const count = Math.max(1, Math.round(ids.length * fraction));
  return [...ids].sort((a, b) => hash(a) - hash(b) || (a < b ? -1 : 1)).slice(0, count).sort();
}
