/**
 * Where an accepted pseudo-mask came from: `<project>/provenance/<imageId>.json`, one file per image
 * holding a list of entries, one per accepted revision (append-only; written atomically). If the
 * image's current mask revision is newer than the last entry's, the mask was corrected after it
 * was accepted.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { IgnoreBand, RefinerName } from '@shared/domain/pseudo-view';
import { writeFileAtomic } from '../fs/atomic-write';

export const PROVENANCE_DIR = 'provenance';

export const ProvenanceEntry = z.object({
  revision: z.number().int(),
  source: z.literal('pseudo-mask'),
  runId: z.string(),
  checkpointStep: z.number().int(),
  checkpointSha256: z.string(),
  threshold: z.number(),
  /** The refiner (entries written before refiners had names hold true/false). */
  refine: RefinerName,
  keepLargest: z.boolean(),
  ignoreBand: IgnoreBand.nullable().default(null),
  scales: z.array(z.number()),
  flip: z.boolean(),
  labels: z.enum(['gt', 'predicted']),
  labelThreshold: z.number(),
  classes: z.array(z.number().int()),
  queueSignal: z.string(),
  queueScore: z.number().nullable(),
  acceptedAt: z.string(),
});
export type ProvenanceEntry = z.infer<typeof ProvenanceEntry>;

const ProvenanceFile = z.object({ format: z.literal('eader-provenance/1'), imageId: z.string(), entries: z.array(ProvenanceEntry) });

export const provenancePath = (projectDir: string, imageId: string): string =>
  join(projectDir, PROVENANCE_DIR, `${encodeURIComponent(imageId).replace(/\./g, '%2E')}.json`);

export async function readProvenance(projectDir: string, imageId: string): Promise<ProvenanceEntry[]> {
  try {
    const parsed = ProvenanceFile.safeParse(JSON.parse(await readFile(provenancePath(projectDir, imageId), 'utf8')));
    return parsed.success ? parsed.data.entries : [];
  } catch {
    return [];
  }
}

export async function appendProvenance(projectDir: string, imageId: string, entry: ProvenanceEntry): Promise<void> {
  await mkdir(join(projectDir, PROVENANCE_DIR), { recursive: true });
  const entries = [...(await readProvenance(projectDir, imageId)), entry];
  await writeFileAtomic(provenancePath(projectDir, imageId), `${JSON.stringify({ format: 'eader-provenance/1', imageId, entries }, null, 1)}\n`);
}
