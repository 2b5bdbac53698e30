import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../datasets/open-dataset';
import { Project } from '../project/project-store';
import { appendProvenance } from '../pseudo/provenance';
import { writeShapesVoc } from '../testing/shapes-fixture';
import { heldOutOf } from './round-labels';
import { trustedMaskIds } from './trusted-masks';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('trusted masks', () => {
  it('are corrections and accepted masks, never a source’s untouched guess nor a needs-work image', async () => {
    const root = await mkdtemp(join(tmpdir(), 'eader-trusted-'));
    dirs.push(root);
    const { train: ids } = await writeShapesVoc(join(root, 'data'), { train: 6, val: 0, width: 8, height: 8 });
    const project = await Project.create(join(root, 'project'), { dataset: await openDataset(join(root, 'data')) });
    const mask = { width: 8, height: 8, data: new Uint8Array(64) };
    const source = { source: 'pseudo-mask' as const, runId: 'r', round: null, checkpointStep: 1, checkpointSha256: 'x', threshold: 0.3, refine: 'none' as const, keepLargest: false, ignoreBand: null, scales: [1], flip: true, labels: 'gt' as const, labelThreshold: 0.5, classes: [], queueSignal: 'entropy', queueScore: 0, acceptedAt: '' };
    const [drawn, guessed, corrected, accepted, needsWork, none] = ids as [string, string, string, string, string, string];
    await project.masks.save(drawn, mask); // drawn in the editor, no source
    await appendProvenance(project.dir, guessed, { ...source, revision: await project.masks.save(guessed, mask) }); // accepted from a source, untouched
    await appendProvenance(project.dir, corrected, { ...source, revision: await project.masks.save(corrected, mask) });
    await project.masks.save(corrected, mask); // … then corrected
    await appendProvenance(project.dir, accepted, { ...source, revision: await project.masks.save(accepted, mask) });
    await project.setReview(accepted, 'accepted'); // a source's mask the user reviewed and accepted
    await project.masks.save(needsWork, mask);
    await project.setReview(needsWork, 'needs-work');
    expect(await trustedMaskIds(project)).toEqual([drawn, corrected, accepted].sort());
    expect(await trustedMaskIds(project, new Set([drawn, none]))).toEqual([drawn]);
  });

  it('hold out a fixed fifth by id, whatever the order they come in', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `img-${i}`);
    const held = heldOutOf(ids);
    expect(held).toHaveLength(4);
    expect(heldOutOf([...ids].reverse())).toEqual(held);
    expect(heldOutOf(['only'])).toEqual([]);
    expect(heldOutOf([...ids, 'img-20']).filter((id) => held.includes(id)).length).toBeGreaterThanOrEqual(3); // mostly stable as corrections grow
  });
});
