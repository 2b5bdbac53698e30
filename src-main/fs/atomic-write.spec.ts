import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isTempFile, removeStaleTemps, tempPathFor, writeFileAtomic } from './atomic-write';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'eader-atomic-'));
  dirs.push(d);
  return d;
}

/** The child: writes ~2 MB JSON documents over one file as fast as it can, reporting each seq. */
const CHILD = `
import { createHash } from 'node:crypto';
import { writeFileAtomic } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'atomic-write.ts')).href)};
const target = process.argv[2];
for (let seq = 0; ; seq++) {
  const filler = String(seq % 10).repeat(2_000_000 + (seq % 13) * 1000);
  const digest = createHash('sha256').update(filler).digest('hex');
  await writeFileAtomic(target, JSON.stringify({ seq, digest, filler }));
  process.stdout.write(seq + '\\n');
}
`;

/**
 * Run the child; once it has confirmed `afterWrites` writes, watch the folder and SIGKILL it as soon as
 * a temp file shows up, i.e. in the middle of a write. Resolves with the last confirmed seq.
 */
function runAndKill(script: string, target: string, afterWrites: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, target], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last = -1;
    let stderr = '';
    let watching: NodeJS.Timeout | null = null;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      last = Math.max(last, ...d.toString().trim().split('\n').map(Number));
      if (last + 1 >= afterWrites && !watching) {
        watching = setInterval(() => {
          void readdir(dirname(target)).then((names) => {
            if (names.some(isTempFile) && !child.killed) child.kill('SIGKILL');
          });
        }, 1);
      }
    });
    child.on('exit', (_code, signal) => {
      if (watching) clearInterval(watching);
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`child exited on its own: ${stderr}`));
    });
  });
}

describe('writeFileAtomic', () => {
  it('creates and replaces files; leaves no temp file behind', async () => {
    const d = await dir();
    const path = join(d, 'project.json');
    await writeFileAtomic(path, '{"v":1}');
    await writeFileAtomic(path, Uint8Array.from([123, 125]));
    expect(await readFile(path, 'utf8')).toBe('{}');
    expect(await readdir(d)).toEqual(['project.json']);
  });

  it('exclusive mode never replaces an existing file', async () => {
    const d = await dir();
    const path = join(d, '1.png');
    await writeFileAtomic(path, 'first', { exclusive: true });
    await expect(writeFileAtomic(path, 'second', { exclusive: true })).rejects.toThrow(/EEXIST/);
    expect(await readFile(path, 'utf8')).toBe('first');
    expect(await readdir(d)).toEqual(['1.png']);
  });

  it('recognises its temp names and removes only those of dead writers', async () => {
    const d = await dir();
    const mine = tempPathFor(join(d, 'index.json'));
    expect(isTempFile(mine.slice(d.length + 1))).toBe(true);
    expect(isTempFile('index.json')).toBe(false);
    expect(isTempFile('.hidden')).toBe(false);
    const dead = join(d, '.index.json.999999999.0123456789ab.tmp');
    await writeFile(dead, 'partial');
    await writeFile(mine, 'in flight');
    expect(await removeStaleTemps(d)).toEqual(['.index.json.999999999.0123456789ab.tmp']);
    expect((await readdir(d)).sort()).toEqual([mine.slice(d.length + 1)]);
  });

  it('a writer killed (SIGKILL) mid-stream leaves a complete previous version, never a torn file', async () => {
    const d = await dir();
    const script = join(d, 'child.mts');
    await writeFile(script, CHILD);
    const target = join(d, 'state.json');
    let tornWrites = 0;
    for (const writes of [2, 3, 4]) {
      const lastReported = await runAndKill(script, target, writes);
      const doc = JSON.parse(await readFile(target, 'utf8')) as { seq: number; digest: string; filler: string };
      // Complete: its content matches the digest written with it.
      expect(createHash('sha256').update(doc.filler).digest('hex')).toBe(doc.digest);
      expect(doc.filler).toBe(String(doc.seq % 10).repeat(2_000_000 + (doc.seq % 13) * 1000));
      // The previous version or the one being renamed: never older than the last confirmed write.
      expect(doc.seq).toBeGreaterThanOrEqual(lastReported);
      expect(doc.seq).toBeLessThanOrEqual(lastReported + 1);
      // Leftover temp files are recognisable as such and are cleaned up; the real file stays.
      const names = await readdir(d);
      for (const name of names) if (name !== 'state.json' && name !== 'child.mts') expect(isTempFile(name)).toBe(true);
      if (names.some(isTempFile)) tornWrites++;
      await removeStaleTemps(d);
      expect((await readdir(d)).sort()).toEqual(['child.mts', 'state.json']);
    }
    // The kills did land mid-write (a half-written temp file was left behind) at least once.
    expect(tornWrites).toBeGreaterThan(0);
  });
});
