/**
 * What an export never touches (issue 16 §1, §5): `--overwrite` replaces only a folder we wrote as an
 * export, never the dataset, the project, its masks, or a parent with unrelated files; ids that a
 * split list cannot hold are refused; an image symlinked out of the dataset is never copied.
 */
import { symlinkSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExportCommand } from '../cli/export';
import { openDataset } from '../datasets/open-dataset';
import { Project } from '../project/project-store';
import { makeSource, randomMask, tempDir } from '../testing/export-fixture';
import { hashTree } from '../testing/folder-fixture';
import { exportMasks } from './index';

const CLASSES = ['background', 'cat', 'dog'];
let dir: string;
let datasetDir: string;
let projectDir: string;

const exportTo = (out: string, overwrite = true, format = 'voc'): Promise<void> =>
  runExportCommand({ project: projectDir, format, out, only: 'all', images: 'copy', cocoGrouping: 'component', lsTarget: 'predictions', overwrite, quiet: true }, () => {});

beforeAll(async () => {
  dir = await tempDir('export-guards');
  const blank = [0, 1].map((i) => ({ id: `im${i}`, mask: { width: 6, height: 4, data: new Uint8Array(24) }, splits: ['train'] }));
  datasetDir = (await exportMasks('voc', await makeSource(join(dir, 'src'), CLASSES, blank), join(dir, 'dataset'))).out;
  projectDir = join(dir, 'work', 'project');
  const project = await Project.create(projectDir, { dataset: await openDataset(datasetDir) });
  await project.masks.save('im0', randomMask(6, 4, CLASSES.length, 3));
  await project.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('export --overwrite', () => {
  it('never replaces the dataset, the project, its masks, or a folder that contains them', async () => {
    const dataset = await hashTree(datasetDir);
    const project = await hashTree(projectDir);
    await expect(exportTo(datasetDir)).rejects.toThrow(/the export folder .* is the dataset folder/);
    await expect(exportTo(join(datasetDir, 'SegmentationClass'))).rejects.toThrow(/lies inside the dataset folder/);
    await expect(exportTo(projectDir)).rejects.toThrow(/is the project folder/);
    await expect(exportTo(join(projectDir, 'masks'))).rejects.toThrow(/lies inside the project folder/);
    await expect(exportTo(dirname(projectDir))).rejects.toThrow(/contains the project folder .* replacing it would delete the project/);
    await expect(exportTo(dir)).rejects.toThrow(/contains the project folder|contains the dataset folder/);
    expect(await hashTree(datasetDir)).toEqual(dataset);
    expect(await hashTree(projectDir)).toEqual(project);
  });

  it('never replaces a folder that it did not write as an export', async () => {
    const unrelated = join(dir, 'notes');
    await mkdir(unrelated);
    await writeFile(join(unrelated, 'thesis.tex'), 'three years of work');
    await expect(exportTo(unrelated)).rejects.toThrow(/is not replaced: it was not written by eader export \(no \.eader-export\.json marker\)/);
    expect(await readdir(unrelated)).toEqual(['thesis.tex']);
    const link = join(dir, 'export-link');
    symlinkSync(unrelated, link);
    await expect(exportTo(link)).rejects.toThrow(/is not replaced: it is a symlink/);
  });

  it('replaces its own export, and the project\'s exports/ folder holds UI exports', async () => {
    const out = join(dir, 'voc-out');
    await exportTo(out, false);
    await exportTo(out, true);
    expect((await readdir(out)).sort()).toEqual(['.eader-export.json', 'ImageSets', 'JPEGImages', 'SegmentationClass', 'classes.txt']);
    const inProject = join(projectDir, 'exports', 'voc');
    await exportTo(inProject, false);
    await exportTo(inProject, true);
  });
});

describe('export content', () => {
  it('refuses ids a split list cannot hold (space, tab, newline) for list formats, and keeps them for COCO', async () => {
    for (const id of ['with space', 'with\ttab', 'two\nlines']) {
      const source = await makeSource(join(dir, `src-${id.length}`), CLASSES, [{ id, mask: randomMask(4, 4, CLASSES.length, 1) }]);
      // A space fits a file name but not a list; control characters (tab, newline) fit neither.
      const why = id.includes(' ') ? /holds whitespace or a control character; split lists \(one id per line\) cannot hold it/ : /cannot be used as a file name/;
      await expect(exportMasks('voc', source, join(dir, `bad-voc-${id.length}`))).rejects.toThrow(why);
      await expect(exportMasks('cvat', source, join(dir, `bad-cvat-${id.length}`))).rejects.toThrow(why);
    }
    const spaced = await makeSource(join(dir, 'src-coco'), CLASSES, [{ id: 'with space', mask: randomMask(4, 4, CLASSES.length, 1) }]);
    await exportMasks('coco', spaced, join(dir, 'coco-spaced'));
    expect((await readdir(dir)).filter((n) => n.startsWith('bad-'))).toEqual([]);
  });

  it('never copies an image symlinked out of the dataset', async () => {
    const source = await makeSource(join(dir, 'src-link'), CLASSES, [{ id: 'a', mask: randomMask(4, 4, CLASSES.length, 1) }]);
    const item = source.items[0]!;
    const root = join(dir, 'link-root');
    await mkdir(root);
    symlinkSync(item.imageFile, join(root, 'a.jpg'));
    const linked = { ...source, imageRoot: root, items: [{ ...item, imageFile: join(root, 'a.jpg') }] };
    await expect(exportMasks('voc', linked, join(dir, 'voc-linked'))).rejects.toThrow(/image .*a\.jpg: is a symlink that leads out of/);
  });
});
