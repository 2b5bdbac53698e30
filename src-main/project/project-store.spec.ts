import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import { hashTree, tempDir, writeImage } from '../testing/folder-fixture';
import { Project } from './project-store';
import { ProjectSchemaError, migrate } from './project-schema';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function dir(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  dirs.push(d);
  return d;
}

function datasetIndex(root: string, images: ImageRecord[]): DatasetIndex {
  return { format: 'folder', root, classes: ['background', 'cat', 'dog'], palette: [[0, 0, 0], [128, 0, 0], [0, 128, 0]], images, issues: [] };
}
const record = (id: string, extra: Partial<ImageRecord> = {}): ImageRecord => ({ id, file: `images/${id}.png`, splits: ['train'], labels: [1], width: 3, height: 2, gt: null, ...extra });

async function smallProject(): Promise<{ project: Project; datasetRoot: string; projectDir: string }> {
  const datasetRoot = await dir('ds');
  await writeImage(join(datasetRoot, 'images/a.png'), 3, 2);
  await writeImage(join(datasetRoot, 'images/b.png'), 3, 2);
  const projectDir = join(await dir('proj'), 'my project');
  const index = datasetIndex(datasetRoot, [record('a', { gt: { kind: 'png', file: 'masks/a.png' } }), record('b', { labels: [1, 2] })]);
  const project = await Project.create(projectDir, { dataset: index, settings: { lr: 0.01 } });
  return { project, datasetRoot, projectDir };
}

describe('Project store', () => {
  it('creates the folder layout and writes nothing into the dataset', async () => {
    const datasetRoot = await dir('ds');
    await writeImage(join(datasetRoot, 'images/a.png'), 3, 2);
    const before = await hashTree(datasetRoot);
    const projectDir = join(await dir('proj'), 'p');
    const project = await Project.create(projectDir, { dataset: datasetIndex(datasetRoot, [record('a')]) });
    expect((await readdir(projectDir)).sort()).toEqual(['.eader-lock', 'images.json', 'masks', 'project.json', 'runs', 'thumbs']);
    const meta = JSON.parse(await readFile(join(projectDir, 'project.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ schemaVersion: 1, app: 'eader-workbench', name: 'p', dataset: { format: 'folder', root: datasetRoot }, classes: ['background', 'cat', 'dog'] });
    expect(project.imagePath('a')).toBe(join(datasetRoot, 'images/a.png'));
    await project.masks.save('a', { width: 3, height: 2, data: Uint8Array.of(0, 1, 1, 2, 255, 0) });
    await project.thumbs.generate(['a']);
    expect(await hashTree(datasetRoot)).toEqual(before);
  });

  it('refuses a project folder inside the dataset and one that already holds a project', async () => {
    const { datasetRoot, projectDir } = await smallProject();
    const index = datasetIndex(datasetRoot, [record('a')]);
    await expect(Project.create(join(datasetRoot, 'proj'), { dataset: index })).rejects.toThrow(/inside the dataset folder/);
    await expect(Project.create(projectDir, { dataset: index })).rejects.toThrow(/already holds a project/);
    await expect(Project.open(datasetRoot)).rejects.toThrow(/project.json not found/);
  });

  it('re-opens with images, settings and reviews; concurrent review writes all land', async () => {
    const { project, projectDir } = await smallProject();
    await Promise.all([project.setReview('a', 'accepted'), project.setReview('b', 'needs-work', 'fix the tail'), project.updateSettings({ batch: 8 })]);
    await project.setReview('a', 'accepted', 'ok');
    await project.close();
    const again = await Project.open(projectDir);
    expect(again.images().map((im) => [im.id, im.review, im.comment, im.hasGt, im.labels])).toEqual([
      ['a', 'accepted', 'ok', true, [1]],
      ['b', 'needs-work', 'fix the tail', false, [1, 2]],
    ]);
    expect(again.image('b').reviewedAt).toMatch(/^\d{4}-/);
    expect(again.meta.settings).toEqual({ lr: 0.01, batch: 8 });
    expect(() => again.image('zzz')).toThrow(/no image "zzz"/);
  });

  it('refuses newer, missing or corrupt schema versions with a clear message', async () => {
    const { projectDir } = await smallProject();
    const path = join(projectDir, 'project.json');
    const meta = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...meta, schemaVersion: 7 }));
    await expect(Project.open(projectDir)).rejects.toThrow(/schema version 7, written by a newer EADER Workbench; this version reads up to 1/);
    await writeFile(path, JSON.stringify({ ...meta, schemaVersion: undefined }));
    await expect(Project.open(projectDir)).rejects.toThrow(ProjectSchemaError);
    await writeFile(path, '{"schemaVersion": 1, "na');
    await expect(Project.open(projectDir)).rejects.toThrow(/project.json is not valid JSON/);
    await writeFile(path, JSON.stringify({ ...meta, classes: [] }));
    await expect(Project.open(projectDir)).rejects.toThrow(/project.json is invalid: classes/);
  });

  it('runs migration hooks step by step and refuses a version with no migration', () => {
    const migrations = { 1: { project: (d: Record<string, unknown>) => ({ ...d, renamed: d['old'] }) } };
    expect(migrate({ schemaVersion: 1, old: 'x' }, 'project', 'project.json', migrations, 2)).toEqual({ doc: { schemaVersion: 2, old: 'x', renamed: 'x' }, migratedFrom: 1 });
    expect(() => migrate({ schemaVersion: 1 }, 'index', 'images.json', migrations, 2)).toThrow(/version 1 and no migration to 2/);
    expect(migrate({ schemaVersion: 2 }, 'index', 'images.json', migrations, 2).migratedFrom).toBeNull();
  });
});

describe('Mask store', () => {
  it('saves revisions, reads the current mask, lists and reverts without rewriting history', async () => {
    const { project, projectDir } = await smallProject();
    const first = { width: 3, height: 2, data: Uint8Array.of(0, 1, 1, 0, 0, 0) };
    const second = { width: 3, height: 2, data: Uint8Array.of(2, 2, 2, 255, 255, 0) };
    expect(await project.masks.read('a')).toBeNull();
    expect(await project.masks.save('a', first)).toBe(1);
    expect(await project.masks.save('a', second)).toBe(2);
    expect(Array.from((await project.masks.read('a'))!.data)).toEqual(Array.from(second.data));
    const history = join(projectDir, 'masks/.history/a');
    const rev1 = await readFile(join(history, '1.png'));
    expect(await project.masks.revert('a', 1)).toBe(3);
    expect(Array.from((await project.masks.read('a'))!.data)).toEqual(Array.from(first.data));
    expect((await project.masks.revisions('a')).map((r) => r.n)).toEqual([1, 2, 3]);
    expect(await readFile(join(history, '1.png'))).toEqual(rev1);
    expect(Array.from((await project.masks.readRevision('a', 2)).data)).toEqual(Array.from(second.data));
    await expect(project.masks.readRevision('a', 9)).rejects.toThrow(/no revision 9/);
  });

  it('rejects masks of the wrong size or with values that are no class', async () => {
    const { project } = await smallProject();
    await expect(project.masks.save('a', { width: 2, height: 2, data: new Uint8Array(4) })).rejects.toThrow(/is 2×2 but the image is 3×2/);
    await expect(project.masks.save('a', { width: 3, height: 2, data: Uint8Array.of(0, 0, 3, 0, 0, 0) })).rejects.toThrow(/value 3/);
    expect(await project.masks.revisions('a')).toEqual([]);
  });

  it('stores ids with slashes and dots safely inside masks/', async () => {
    const datasetRoot = await dir('ds');
    const projectDir = join(await dir('proj'), 'p');
    const project = await Project.create(projectDir, { dataset: datasetIndex(datasetRoot, [record('../sub/x.y', { width: 1, height: 1 })]) });
    await project.masks.save('../sub/x.y', { width: 1, height: 1, data: Uint8Array.of(1) });
    expect(await readdir(join(projectDir, 'masks'))).toContain('%2E%2E%2Fsub%2Fx%2Ey.png');
    expect(Array.from((await project.masks.read('../sub/x.y'))!.data)).toEqual([1]);
  });
});
