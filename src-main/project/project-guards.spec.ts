/**
 * What a project never does (issue 16 §1, §4, §5): lie inside its dataset, read outside it, have two
 * writers, keep a crashed save's temp files, or fail with a message that does not say which mask.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import { tempDir, writeImage, writeText } from '../testing/folder-fixture';
import { LockedError } from '../fs/lock';
import { Project, ProjectReadOnlyError } from './project-store';

const index = (root: string, images: ImageRecord[]): DatasetIndex => ({ format: 'folder', root, classes: ['background', 'cat'], palette: [[0, 0, 0], [128, 0, 0]], images, issues: [] });
const image = (id: string, file = `images/${id}.png`): ImageRecord => ({ id, file, splits: ['train'], labels: [1], width: 3, height: 2, gt: null });

async function dataset(): Promise<string> {
  const root = await tempDir('guard-ds');
  await writeImage(join(root, 'images/a.png'), 3, 2);
  return root;
}

describe('a project and its dataset', () => {
  it('is never created inside the dataset: not through a "..name" folder, nor through a symlink', async () => {
    const root = await dataset();
    await expect(Project.create(join(root, '..proj'), { dataset: index(root, [image('a')]) })).rejects.toThrow(/lies inside the dataset folder/);
    const base = await tempDir('guard-links');
    symlinkSync(root, join(base, 'data-link'));
    await expect(Project.create(join(base, 'data-link', 'proj'), { dataset: index(root, [image('a')]) })).rejects.toThrow(/lies inside the dataset folder/);
    expect(await readdir(root)).toEqual(['images']);
  });

  it('refuses an images.json entry whose file leaves the dataset (export would copy it, the host serve it)', async () => {
    const root = await dataset();
    await writeText(join(root, '../outside/secret.txt'), 'secret');
    const dir = join(await tempDir('guard-p'), 'p');
    const project = await Project.create(dir, { dataset: index(root, [image('a')]) });
    await project.close();
    const text = await readFile(join(dir, 'images.json'), 'utf8');
    await writeFile(join(dir, 'images.json'), text.replace('"images/a.png"', '"../outside/secret.txt"'));
    await expect(Project.open(dir)).rejects.toThrow(/images\.json: row 0 \(image "a"\) has file "\.\.\/outside\/secret\.txt", which leaves the dataset folder/);
    await expect(Project.open(dir, { readOnly: true })).rejects.toThrow(/leaves the dataset folder/);
  });

  it('makes no thumbnail of an image symlinked out of the dataset', async () => {
    const root = await dataset();
    const outside = await tempDir('guard-out');
    await writeImage(join(outside, 'secret.png'), 3, 2);
    symlinkSync(join(outside, 'secret.png'), join(root, 'images/b.png'));
    const project = await Project.create(join(await tempDir('guard-p'), 'p'), { dataset: index(root, [image('a'), image('b')]) });
    await expect(project.thumbs.get('b')).rejects.toThrow(/symlink that leads out of the dataset folder/);
    expect((await project.thumbs.get('a')).length).toBeGreaterThan(0);
    await project.close();
  });
});

describe('one writer per project', () => {
  it('refuses a second writer naming the holder, lets a reader in, and frees the project on close', async () => {
    const root = await dataset();
    const dir = join(await tempDir('guard-p'), 'p');
    const first = await Project.create(dir, { dataset: index(root, [image('a')]), purpose: 'eader serve' });
    await expect(Project.open(dir, { purpose: 'eader serve' })).rejects.toThrow(LockedError);
    await expect(Project.open(dir)).rejects.toThrow(new RegExp(`the project .*p is in use by eader serve \\(pid ${process.pid}, this process, since \\d{4}-`));
    const reader = await Project.open(dir, { readOnly: true });
    await expect(reader.setReview('a', 'accepted')).rejects.toThrow(ProjectReadOnlyError);
    await expect(reader.masks.save('a', { width: 3, height: 2, data: new Uint8Array(6) })).rejects.toThrow(/open read-only/);
    await first.setReview('a', 'accepted');
    await first.close();
    const second = await Project.open(dir);
    expect(second.image('a').review).toBe('accepted');
    await second.close();
  });

  it('takes over the lock of a process that died without letting go (kill -9)', async () => {
    const root = await dataset();
    const dir = join(await tempDir('guard-p'), 'p');
    await (await Project.create(dir, { dataset: index(root, [image('a')]) })).close();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(join(dir, '.eader-lock'), JSON.stringify({ pid: dead, host: (await import('node:os')).hostname(), processStart: null, purpose: 'eader serve', since: '2024-01-01T00:00:00Z', token: 'x' }));
    const project = await Project.open(dir);
    expect(project.writable).toBe(true);
    await project.close();
  });
});

describe('mask files', () => {
  it('cleans a crashed save\'s temp files from the revision history (on the next save and on open)', async () => {
    const root = await dataset();
    const dir = join(await tempDir('guard-p'), 'p');
    const project = await Project.create(dir, { dataset: index(root, [image('a'), image('c')]) });
    await project.masks.save('a', { width: 3, height: 2, data: new Uint8Array(6) });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const stale = `.2.png.${dead}.0123456789ab.tmp`;
    await writeFile(join(dir, 'masks/.history/a', stale), 'half a png');
    mkdirSync(join(dir, 'masks/.history/c'), { recursive: true });
    await writeFile(join(dir, 'masks/.history/c', stale), 'half a png');
    expect(await project.masks.save('a', { width: 3, height: 2, data: new Uint8Array(6) })).toBe(2);
    expect((await readdir(join(dir, 'masks/.history/a'))).sort()).toEqual(['1.png', '2.png']);
    await project.close();
    await (await Project.open(dir)).close();
    expect(await readdir(join(dir, 'masks/.history/c'))).toEqual([]);
  });

  it('names the image and the file when a saved mask is truncated', async () => {
    const root = await dataset();
    const dir = join(await tempDir('guard-p'), 'p');
    const project = await Project.create(dir, { dataset: index(root, [image('a')]) });
    await project.masks.save('a', { width: 3, height: 2, data: Uint8Array.of(0, 1, 1, 0, 1, 0) });
    const bytes = await readFile(join(dir, 'masks/a.png'));
    await writeFile(join(dir, 'masks/a.png'), bytes.subarray(0, 40));
    await expect(project.masks.read('a')).rejects.toThrow(/^mask of "a" \(masks\/a\.png\): .*truncated/);
    await project.close();
  });
});
