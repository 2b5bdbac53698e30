/**
 * Which of a project's masks are trusted training labels for a segmenter: a saved mask of an image
 * the user reviewed as accepted, or one corrected after it came from a mask source (its current
 * revision is newer than the last one a source accepted into it), or drawn or imported with no
 * source at all. An image marked needs-work is never trusted; a source's mask accepted unreviewed
 * and untouched is only that source's guess, not a correction.
 */
import type { Project } from '../project/project-store';
import { readProvenance } from '../pseudo/provenance';

export async function trustedMaskIds(project: Project, within?: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  for (const image of project.images()) {
    if (within && !within.has(image.id)) continue;
    if (image.review === 'needs-work') continue;
    const revisions = await project.masks.revisions(image.id);
    const current = revisions.at(-1)?.n;
    if (current === undefined) continue;
    if (image.review === 'accepted') {
      out.push(image.id);
      continue;
    }
    const fromSource = (await readProvenance(project.dir, image.id)).at(-1)?.revision;
    if (fromSource === undefined || current > fromSource) out.push(image.id);
  }
  return out.sort();
}
