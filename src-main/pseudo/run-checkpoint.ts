/** Which checkpoint of a run a pseudo-mask job uses, and its identity (step + SHA-256 of its weights). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { selectCheckpoint } from '../runs/checkpoints';
import { runPaths } from '../runs/run-store';

export interface CheckpointIdentity {
  dir: string;
  key: { checkpointStep: number; checkpointSha256: string };
}

export async function checkpointIdentity(runDir: string, which: 'best' | 'last'): Promise<CheckpointIdentity> {
  const info = await selectCheckpoint(runPaths(runDir).checkpoints, which);
  if (!info) throw new Error(`${runDir} has no complete checkpoint yet.`);
  const manifest = JSON.parse(await readFile(join(info.dir, 'manifest.json'), 'utf8')) as { sha256?: unknown };
  if (typeof manifest.sha256 !== 'string') throw new Error(`${info.dir}/manifest.json has no sha256.`);
  return { dir: info.dir, key: { checkpointStep: info.step, checkpointSha256: manifest.sha256 } };
}
