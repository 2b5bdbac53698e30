import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRegular, readRegular, readRegularHead, readRegularText, UnreadableFileError } from './read-regular';

const base = mkdtempSync(join(tmpdir(), 'eader-read-'));
const root = join(base, 'root');
mkdirSync(root);
writeFileSync(join(root, 'a.txt'), 'hello');
writeFileSync(join(base, 'secret.txt'), 'secret');
symlinkSync(join(base, 'secret.txt'), join(root, 'leak.txt'));
symlinkSync(join(root, 'a.txt'), join(root, 'alias.txt'));
symlinkSync('/dev/zero', join(root, 'zero.bin'));
execFileSync('mkfifo', [join(root, 'pipe.txt')]);

describe('reading files we did not write', () => {
  it('reads regular files, and symlinks that stay inside the root', async () => {
    expect(await readRegularText(join(root, 'a.txt'), { root })).toBe('hello');
    expect(await readRegularText(join(root, 'alias.txt'), { root })).toBe('hello');
    expect(Buffer.from(await readRegularHead(join(root, 'a.txt'), 3, { root })).toString()).toBe('hel');
    expect(await checkRegular(join(root, 'a.txt'), { root })).toBe(5);
  });

  it('refuses a FIFO at once instead of hanging (the host I/O pool stays free)', async () => {
    const started = Date.now();
    const reads = await Promise.allSettled(Array.from({ length: 8 }, () => readRegular(join(root, 'pipe.txt'))));
    for (const read of reads) expect(read.status === 'rejected' && String(read.reason)).toMatch(/pipe\.txt: is a FIFO \(named pipe\), not a regular file/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a symlink to /dev/zero instead of reading without bound', async () => {
    await expect(readRegular(join(root, 'zero.bin'))).rejects.toThrow(/zero\.bin: is a character device/);
    await expect(readRegularHead(join(root, 'zero.bin'), 33)).rejects.toThrow(UnreadableFileError);
  });

  it('refuses a symlink that leads out of the root, naming where it leads', async () => {
    await expect(readRegular(join(root, 'leak.txt'), { root })).rejects.toThrow(/leak\.txt: is a symlink that leads out of .*secret\.txt/);
    expect(await readRegularText(join(root, 'leak.txt'))).toBe('secret'); // without a root, only the type is checked
  });

  it('refuses a file over its bound before reading it', async () => {
    await expect(readRegular(join(root, 'a.txt'), { maxBytes: 4, label: 'classes.txt' })).rejects.toThrow(/^classes\.txt: is 0\.00 MiB; the limit/);
  });

  it('names a missing file plainly', async () => {
    await expect(readRegular(join(root, 'nope.txt'))).rejects.toThrow(/nope\.txt: file not found/);
  });
});
