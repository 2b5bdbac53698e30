/**
 * One writer at a time (docs/reliability.md): a folder we write (a run, a project) is locked by a
 * small JSON file naming its owner: pid, host, the process's start time, what it is doing and since
 * when. The lock is created atomically with its full content (written to a temp file, then hard-
 * linked into place, which fails when a lock exists), so a reader never sees half a lock. A lock is
 * stale when its owner is gone: same host, and the pid no longer runs, or runs but started at another
 * time (the pid was reused). Stale locks are broken one breaker at a time (see breakStale), so two
 * processes that both find a lock stale cannot both win. A lock of another host is never judged stale.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';

export const LockOwner = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  /** The owner process's start, as the OS counts it (Linux: /proc/<pid>/stat field 22), or null. */
  processStart: z.string().nullable(),
  /** What holds it, in words: "eader train", "eader serve (project)". */
  purpose: z.string(),
  /** When the lock was taken (ISO time). */
  since: z.string(),
  /** Tells this holder's lock from a later one of the same process. */
  token: z.string(),
});
export type LockOwner = z.infer<typeof LockOwner>;

export class LockedError extends Error {
  constructor(
    readonly path: string,
    readonly owner: LockOwner,
    what: string,
  ) {
    super(`${what} is in use by ${describeOwner(owner)}; only one writer at a time (lock file ${path})`);
    this.name = 'LockedError';
  }
}

export function describeOwner(owner: LockOwner): string {
  const self = owner.pid === process.pid && owner.host === hostname() ? ', this process' : '';
  const where = owner.host === hostname() ? '' : ` on ${owner.host}`;
  return `${owner.purpose} (pid ${owner.pid}${where}${self}, since ${owner.since})`;
}

/** The start time of a process as the kernel records it, or null where the OS does not tell. */
export function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may hold spaces; fields after it are space-separated.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 overall
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the owner of this lock still running? (A lock of another host counts as live.) */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (!pidAlive(owner.pid)) return false;
  if (owner.processStart === null) return true;
  const now = processStartOf(owner.pid);
  return now === null || now === owner.processStart;
}

async function readOwner(path: string): Promise<{ owner: LockOwner | null; text: string } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const parsed = LockOwner.safeParse(JSON.parse(text));
    return { owner: parsed.success ? parsed.data : null, text };
  } catch {
    return { owner: null, text }; // unreadable: no live writer wrote it (locks appear whole)
  }
}

/** The live owner of the lock at `path`, or null when there is none (absent or stale). */
export async function lockHolder(path: string): Promise<LockOwner | null> {
  const found = await readOwner(path);
  return found?.owner && ownerAlive(found.owner) ? found.owner : null;
}

export interface Lock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Remove the lock if it is still ours (idempotent). */
  release(): Promise<void>;
}

/**
 * Take the lock at `path` for `purpose`, or throw LockedError naming its live holder (`what` names
 * the locked thing in that message: "run runs/a"). A stale lock is broken and taken over.
 */
export async function acquireLock(path: string, purpose: string, what: string): Promise<Lock> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    processStart: processStartOf(process.pid),
    purpose,
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const text = `${JSON.stringify(owner)}\n`;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temp, text, { flag: 'wx' });
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 * attempt)));
      try {
        await link(temp, path);
        return makeLock(path, owner);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const found = await readOwner(path);
      if (!found) continue; // released meanwhile: try again
      if (found.owner && ownerAlive(found.owner)) throw new LockedError(path, found.owner, what);
      await breakStale(path, found.text, text);
    }
    throw new Error(`could not take the lock ${path}: it keeps changing hands`);
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Delete a stale lock, unless it changed hands since it was read. Breakers take turns through a
 * second lock (`<lock>.break`), so the read-compare-delete below is not interleaved with another
 * breaker's: without it, a breaker that read the stale lock could delete a fresh one taken meanwhile.
 */
async function breakStale(path: string, staleText: string, ownerText: string): Promise<void> {
  const breaker = `${path}.break`;
  try {
    await writeFile(breaker, ownerText, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const other = await readOwner(breaker);
    if (!other?.owner || !ownerAlive(other.owner)) await rm(breaker, { force: true }); // its breaker died mid-break
    return; // another process is breaking it: look again
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => null);
    if (now === staleText) await rm(path, { force: true });
  } finally {
    await rm(breaker, { force: true });
  }
}

function makeLock(path: string, owner: LockOwner): Lock {
  let released = false;
  return {
    path,
    owner,
    async release() {
      if (released) return;
      released = true;
      const found = await readOwner(path).catch(() => null);
      if (found?.owner?.token === owner.token) await rm(path, { force: true });
    },
  };
}
