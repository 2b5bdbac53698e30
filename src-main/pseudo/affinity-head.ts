/**
 * A run's trained affinity head on disk (`runs/<id>/affinity/head.json`, run-layout.ts): which head
 * checkpoint it is, the SHA-256 of its weights (the cam cache key's `affinityHead`), and the
 * localizer checkpoint it was trained on. A head fits only that checkpoint's features: for any other
 * checkpoint the run has no head, and `rw` says so, naming the run and `eader refine`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AffinityModel } from '../engine/affinity/affinity-model';
import type { Classifier } from '../engine/classifier';
import { readCheckpoint } from '../runs/checkpoints';
import { affinityPaths } from '../runs/run-layout';

export const HEAD_FORMAT = 'eader-affinity-head/1';

export const HeadRecord = z
  .object({
    format: z.literal(HEAD_FORMAT),
    /** The localizer checkpoint whose frozen features the head reads. */
    localizer: z.object({ checkpointStep: z.number().int(), checkpointSha256: z.string() }).strict(),
    /** The head's checkpoint folder (under affinity/checkpoints/) and the SHA-256 of its weights. */
    checkpoint: z.string(),
    sha256: z.string(),
    steps: z.number().int().nonnegative(),
    /** The mean loss of the last steps. */
    loss: z.number().nullable(),
    config: z.object({
      width: z.number().int().positive(),
      dim: z.number().int().positive(),
      stride: z.number().int().positive(),
      radius: z.number().positive(),
      lr: z.number().positive(),
      seed: z.number().int(),
      seeds: z.object({ fg: z.number(), bg: z.number() }),
      inputMaxSide: z.number().int().positive().nullable(),
    }),
    /** What ended training: its planned steps, or the time budget. */
    stoppedBy: z.enum(['steps', 'budget']),
    seconds: z.number().nonnegative(),
    finishedAt: z.string(),
  })
  .strict();
export type HeadRecord = z.infer<typeof HeadRecord>;

/** The run's head record, or null when it has none. A damaged record is an error naming the file. */
export async function readHeadRecord(runDir: string): Promise<HeadRecord | null> {
  const file = affinityPaths(runDir).head;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const parsed = HeadRecord.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not an affinity head record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** The head trained on this localizer checkpoint, or null. */
export async function headFor(runDir: string, localizer: { checkpointSha256: string }): Promise<HeadRecord | null> {
  const head = await readHeadRecord(runDir);
  return head && head.localizer.checkpointSha256 === localizer.checkpointSha256 ? head : null;
}

/** Why `rw` cannot run on this run (no head, or one trained on another checkpoint). */
export function noHeadMessage(runDir: string, checkpointStep: number, datasetHint = 'DATASET', checkpoint: 'best' | 'last' = 'best'): string {
  const which = checkpoint === 'best' ? '' : ` --checkpoint ${checkpoint}`;
  return `Run ${runDir} has no affinity head for its checkpoint at step ${checkpointStep}, which the rw refiner needs: train one with \`eader refine --run ${runDir} --dataset ${datasetHint}${which}\`.`;
}

/**
 * The SHA-256 of the head the cam records of this localizer checkpoint carry the embedding of
 * (the cam key's `affinityHead`), or null when the run has no head for that checkpoint.
 */
export async function affinityKey(runDir: string, localizer: { checkpointSha256: string }): Promise<string | null> {
  return (await headFor(runDir, localizer))?.sha256 ?? null;
}

/** The head a cam key names, loaded on `localizer`, or null when the key names none (the caller disposes it). */
export async function headOfKey(runDir: string, key: { checkpointSha256: string; affinityHead?: string | null }, localizer: Classifier): Promise<AffinityModel | null> {
  if (!key.affinityHead) return null;
  const head = await headFor(runDir, key);
  if (!head || head.sha256 !== key.affinityHead) throw new Error(`Run ${runDir}: the affinity head ${key.affinityHead.slice(0, 12)}… of these cams is gone or was retrained; generate the cams again.`);
  return loadAffinityHead(runDir, head, localizer);
}

/** The head's weights on `localizer` (the caller disposes it). */
export async function loadAffinityHead(runDir: string, head: HeadRecord, localizer: Classifier): Promise<AffinityModel> {
  const state = await readCheckpoint(join(affinityPaths(runDir).checkpoints, head.checkpoint));
  const { width, dim, stride, radius, lr, seed } = head.config;
  const model = AffinityModel.create(localizer, { head: { width, dim, stride }, radius, lr, seed });
  try {
    model.setWeights(state.tensors);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
