/**
 * End to end through the project store and the CLI command: a dataset → a project with saved
 * masks and reviews → `eader export` → the exports re-opened with the app's own dataset readers.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, readGtMask } from '../datasets/open-dataset';
import { Project } from '../project/project-store';
import { runExportCommand } from '../cli/export';
import { makeSource, randomMask, tempDir } from '../testing/export-fixture';
import { exportMasks } from './index';

const CLASSES = ['background', 'cat', 'dog', 'horse'];
let dir: string;
let projectDir: string;
const masks = [0, 1, 2].map((i) => randomMask(29 + i, 19 + 2 * i, CLASSES.length, 500 + i));

const cli = (format: string, out: string, extra: Partial<Parameters<typeof runExportCommand>[0]> = {}): Promise<string[]> => {
  const lines: string[] = [];
  return runExportCommand(
    { project: projectDir, format, out: join(dir, out), only: 'all', images: 'copy', cocoGrouping: 'component', lsTarget: 'predictions', quiet: true, ...extra },
    (l) => lines.push(l),
  ).then(() => lines);
};

beforeAll(async () => {
  dir = await tempDir('project-export');
  // A VOC dataset (made by our own VOC export of empty masks), opened as a project.
  const blank = masks.map((m, i) => ({ id: `im${i}`, mask: { ...m, data: new Uint8Array(m.data.length) }, splits: [i === 2 ? 'val' : 'train'] }));
  const dataset = await exportMasks('voc', await makeSource(join(dir, 'src'), CLASSES, blank), join(dir, 'dataset'));
  const index = await openDataset(dataset.out);
  projectDir = join(dir, 'project');
  const project = await Project.create(projectDir, { dataset: index });
  await project.masks.save('im0', masks[0]!);
  await project.masks.save('im1', masks[1]!);
  await project.setReview('im0', 'accepted');
  await project.setReview('im1', 'needs-work');
  await project.flush();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('eader export --project', () => {
  it('exports saved masks only, honours --only accepted, and says what it left out', async () => {
    const lines = await cli('voc', 'voc-accepted', { only: 'accepted' });
    expect(lines[0]).toMatch(/^exported 1 image\(s\) as voc to .*voc-accepted/);
    expect(lines).toContain('  1 image(s) left out by --only accepted');
    expect(lines).toContain('  1 image(s) have no saved mask and were not exported');
    const index = await openDataset(join(dir, 'voc-accepted'));
    expect(index.images.map((r) => r.id)).toEqual(['im0']);
  });

  it('round-trips VOC, COCO and CVAT exports through the dataset readers', async () => {
    await cli('voc', 'voc');
    await cli('coco', 'coco');
    await cli('cvat', 'cvat');
    const voc = await openDataset(join(dir, 'voc'));
    expect(voc.images.map((r) => [r.id, r.splits])).toEqual([
      ['im0', ['train', 'trainval']],
      ['im1', ['train', 'trainval']],
    ]);
    const coco = await openDataset(join(dir, 'coco'));
    expect(coco.format).toBe('coco');
    expect(coco.classes).toEqual(CLASSES);
    const cvat = await openDataset(join(dir, 'cvat'));
    for (const i of [0, 1]) {
      const want = masks[i]!;
      const noVoid = Buffer.from(want.data.map((v) => (v === 255 ? 0 : v)));
      expect(Buffer.compare((await readGtMask(voc, `im${i}`))!.data, want.data)).toBe(0);
      expect(Buffer.compare((await readGtMask(coco, `im${i}`))!.data, noVoid)).toBe(0);
      expect(Buffer.compare((await readGtMask(cvat, `im${i}`))!.data, noVoid)).toBe(0);
    }
  });

  it('writes Label Studio tasks with URLs relative to the dataset root', async () => {
    await cli('labelstudio', 'ls', { lsUrlPrefix: '/data/local-files/?d=' });
    const tasks = JSON.parse(await readFile(join(dir, 'ls', 'tasks.json'), 'utf8')) as { data: { image: string; eader_review: string } }[];
    expect(tasks.map((t) => [t.data.image, t.data.eader_review])).toEqual([
      ['/data/local-files/?d=JPEGImages/im0.jpg', 'accepted'],
      ['/data/local-files/?d=JPEGImages/im1.jpg', 'needs-work'],
    ]);
  });

  it('rejects a bad --format with the allowed values', async () => {
    await expect(cli('yolo', 'nope')).rejects.toThrow(/--format must be one of voc, coco, labelstudio, cvat; got "yolo"/);
  });
});
