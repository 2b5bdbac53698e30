/**
 * One writer per run (docs/reliability.md): the trainer that trains a run holds `<run>/.eader-lock`
 * (fs/lock.ts) from before it creates or resumes the run until it has written its last checkpoint.
 * A second `train --resume`, a resume from another host, or deleting the run meanwhile is refused
 * with a message that names the holder. A trainer killed with -9 leaves a stale lock, which the
 * next writer takes over.
 */
import { mkdir } from 'node:fs/promises';
import { ApiError } from '@shared/envelope';
import { acquireLock, describeOwner, lockHolder, type Lock } from '../fs/lock';
import { runPaths } from './run-layout';

const lockPath = (runDir: string): string => runPaths(runDir).lock;

/** Take the run's lock (creating the run folder if needed); throws LockedError naming the holder. */
export async function lockRun(runDir: string, purpose: string): Promise<Lock> {
  await mkdir(runDir, { recursive: true });
  return acquireLock(lockPath(runDir), purpose, `the run ${runDir}`);
}

/** Throws ApiError CONFLICT when a live process holds the run (to `action` is "delete", "resume"…). */
export async function refuseIfRunLocked(runDir: string, action: string): Promise<void> {
  const owner = await lockHolder(lockPath(runDir));
  if (owner) throw new ApiError('CONFLICT', `Cannot ${action} the run ${runDir}: it is in use by ${describeOwner(owner)}.`);
}
