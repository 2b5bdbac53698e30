import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, lockHolder, LockedError, processStartOf, type LockOwner } from './lock';

const dir = mkdtempSync(join(tmpdir(), 'eader-lock-'));
const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
afterAll(() => {
  sleeper.kill('SIGKILL');
});

function ownerFile(path: string, owner: Partial<LockOwner>): void {
  const full: LockOwner = { pid: 1, host: hostname(), processStart: null, purpose: 'eader train', since: '2024-01-01T00:00:00.000Z', token: 'abc', ...owner };
  writeFileSync(path, JSON.stringify(full));
}

describe('one writer at a time', () => {
  it('takes a free lock, refuses a second taker naming the holder, and frees it on release', async () => {
    const path = join(dir, 'a.lock');
    const lock = await acquireLock(path, 'eader train', 'run a');
    const refused = acquireLock(path, 'eader serve', 'run a');
    await expect(refused).rejects.toThrow(LockedError);
    await expect(refused).rejects.toThrow(new RegExp(`run a is in use by eader train \\(pid ${process.pid}, this process, since `));
    expect((await lockHolder(path))?.pid).toBe(process.pid);
    await lock.release();
    expect(await lockHolder(path)).toBeNull();
    const again = await acquireLock(path, 'eader serve', 'run a');
    await again.release();
    expect(readdirSync(dir).filter((n) => n.startsWith('.a.lock'))).toEqual([]); // no temp left
  });

  it('refuses while another live process holds the lock', async () => {
    const path = join(dir, 'live.lock');
    ownerFile(path, { pid: sleeper.pid!, processStart: processStartOf(sleeper.pid!) });
    await expect(acquireLock(path, 'eader train', 'run live')).rejects.toThrow(new RegExp(`in use by eader train \\(pid ${sleeper.pid}, since 2024`));
  });

  it('breaks a stale lock: its owner is gone, or its pid now belongs to another process', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const gone = join(dir, 'gone.lock');
    ownerFile(gone, { pid: dead });
    expect(await lockHolder(gone)).toBeNull();
    expect((await acquireLock(gone, 'eader train', 'run gone')).owner.pid).toBe(process.pid);
    const reused = join(dir, 'reused.lock');
    ownerFile(reused, { pid: sleeper.pid!, processStart: '1' }); // the pid runs, but started at another time
    if (processStartOf(sleeper.pid!) !== null) {
      expect(await lockHolder(reused)).toBeNull();
      const lock = await acquireLock(reused, 'eader train', 'run reused');
      expect(lock.owner.pid).toBe(process.pid);
    }
    const torn = join(dir, 'torn.lock');
    writeFileSync(torn, '{"pid": 12');
    await (await acquireLock(torn, 'eader train', 'run torn')).release();
  });

  it('never judges a lock of another host stale', async () => {
    const path = join(dir, 'remote.lock');
    ownerFile(path, { pid: 999_999, host: 'gpu-box' });
    await expect(acquireLock(path, 'eader train', 'run remote')).rejects.toThrow(/pid 999999 on gpu-box/);
  });

  it('lets exactly one of many concurrent takers win', async () => {
    const path = join(dir, 'race.lock');
    ownerFile(path, { pid: spawnSync(process.execPath, ['-e', '']).pid! }); // stale: all race to break it
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireLock(path, 'eader train', 'run race')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
