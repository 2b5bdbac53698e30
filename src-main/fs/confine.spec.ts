import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, isReallyInside, leavesRoot, realPathOf, resolveInside, resolveReallyInside } from './confine';

describe('path confinement', () => {
  it('keeps relative paths inside the root', () => {
    expect(resolveInside('/data/voc', 'JPEGImages/a.jpg')).toBe('/data/voc/JPEGImages/a.jpg');
    expect(isInside('/data/voc', '/data/voc')).toBe(true);
  });
  it('refuses ../ and absolute escapes, and look-alike siblings', () => {
    expect(() => resolveInside('/data/voc', '../../etc/passwd')).toThrow(/leaves/);
    expect(() => resolveInside('/data/voc', 'JPEGImages/../../secret')).toThrow(/leaves/);
    expect(() => resolveInside('/data/voc', '/etc/passwd')).toThrow(/relative/);
    expect(isInside('/data/voc', '/data/voc-other/x')).toBe(false);
  });
  it('counts a folder named "..something" as inside (the old startsWith("..") test did not)', () => {
    expect(leavesRoot('..something/x')).toBe(false);
    expect(isInside('/data/voc', '/data/voc/..proj')).toBe(true);
    expect(isInside('/data/voc/..proj', '/data/voc')).toBe(false);
    expect(leavesRoot('..')).toBe(true);
    expect(leavesRoot('../x')).toBe(true);
  });
  it('compares real paths: a symlink into the root is inside, one out of it is not', async () => {
    const base = mkdtempSync(join(tmpdir(), 'eader-confine-'));
    mkdirSync(join(base, 'root', 'sub'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    symlinkSync(join(base, 'outside'), join(base, 'root', 'out-link'));
    symlinkSync(join(base, 'root', 'sub'), join(base, 'root-link'));
    expect(await isReallyInside(join(base, 'root'), join(base, 'root', 'sub', 'x.jpg'))).toBe(true);
    expect(await isReallyInside(join(base, 'root'), join(base, 'root', 'out-link', 'x.jpg'))).toBe(false);
    expect(isInside(join(base, 'root'), join(base, 'root', 'out-link', 'x.jpg'))).toBe(true); // lexically it looks inside
    // A path through a symlink that leads into the root is inside it, not yet existing ones too.
    expect(await isReallyInside(join(base, 'root'), join(base, 'root-link', 'new', 'deeper'))).toBe(true);
    expect(await realPathOf(join(base, 'root-link', 'new'))).toBe(join(await realPathOf(join(base, 'root')), 'sub', 'new'));
    await expect(resolveReallyInside(join(base, 'root'), 'out-link/x.jpg')).rejects.toThrow(/symlink; it is not followed/);
    await expect(resolveReallyInside(join(base, 'root'), 'sub/x.jpg')).resolves.toBe(join(base, 'root', 'sub', 'x.jpg'));
  });
});
