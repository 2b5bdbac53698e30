import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashTree, tempDir, writeImage, writeText } from '../testing/folder-fixture';
import { type DatasetInfo, datasetInfo, registerDataset } from './dataset';

let base: string;
beforeAll(async () => {
  base = await tempDir('cli-info');
  await writeImage(join(base, 'coco/train/a.jpg'), 4, 4);
  await writeImage(join(base, 'coco/train/b.jpg'), 4, 4);
  await writeImage(join(base, 'coco/val/c.jpg'), 4, 4);
  await writeText(join(base, 'coco/val/bad.jpg'), 'garbage');
  const categories = [
    { id: 2, name: 'bicycle' },
    { id: 9, name: 'boat' },
  ];
  const poly = [[0, 0, 2, 0, 2, 2, 0, 2]];
  await writeText(
    join(base, 'coco/annotations/instances_train.json'),
    JSON.stringify({
      categories,
      images: [
        { id: 1, file_name: 'a.jpg', width: 4, height: 4 },
        { id: 2, file_name: 'b.jpg', width: 4, height: 4 },
      ],
      annotations: [
        { id: 1, image_id: 1, category_id: 2, segmentation: poly },
        { id: 2, image_id: 2, category_id: 2, segmentation: poly },
        { id: 3, image_id: 2, category_id: 9, bbox: [0, 0, 1, 1] },
      ],
    }),
  );
  await writeText(
    join(base, 'coco/annotations/instances_val.json'),
    JSON.stringify({
      categories,
      images: [
        { id: 3, file_name: 'c.jpg', width: 4, height: 4 },
        { id: 4, file_name: 'bad.jpg', width: 4, height: 4 },
        { id: 5, file_name: 'gone.jpg', width: 4, height: 4 },
      ],
      annotations: [{ id: 4, image_id: 3, category_id: 9, segmentation: poly }],
    }),
  );
  await writeText(join(base, 'unusable/labels.csv'), 'image,labels\nnope.jpg,cat\n');
  await writeText(join(base, 'plain/notes.txt'), 'hi');
  // Terminal escapes in a class name, a file name and (through it) a reason.
  await writeImage(join(base, 'hostile/images/a.jpg'), 4, 4);
  await writeText(join(base, 'hostile/labels.csv'), 'image,labels\na.jpg,"cat\u001b]2Xowned\u0007"\n"\u001b[2Jgone\u0000.jpg",dog\n');
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('eader dataset info', () => {
  it('prints format, split counts, classes with image counts, GT and every bad file; exit 0', async () => {
    const before = await hashTree(join(base, 'coco'));
    const { output, exitCode } = await datasetInfo(join(base, 'coco'));
    expect(exitCode).toBe(0);
    expect(output).toMatch(/^Format: +coco$/m);
    expect(output).toMatch(/^Images: +3 usable \(train 2, val 1\)$/m);
    expect(output).toMatch(/^GT masks: 2 of 3 images$/m); // b has a box-only annotation
    expect(output).toMatch(/^ +1 +bicycle +2$/m);
    expect(output).toMatch(/^ +2 +boat +2$/m);
    expect(output).toMatch(/^Problems: 2$/m);
    expect(output).toMatch(/val\/bad\.jpg: undecodable image/);
    expect(output).toMatch(/val\/gone\.jpg: image file is missing/);
    expect(await hashTree(join(base, 'coco'))).toEqual(before);
  });

  it('prints JSON with --json', async () => {
    const { output } = await datasetInfo(join(base, 'coco'), { json: true });
    const info = JSON.parse(output) as DatasetInfo;
    expect(info).toMatchObject({ format: 'coco', images: 3, splits: { train: 2, val: 1 }, withGt: 2, usable: true });
    expect(info.classes.map((c) => [c.name, c.images])).toEqual([['background', 3], ['bicycle', 2], ['boat', 2]]);
    expect(info.issues).toHaveLength(2);
  });

  it('--quick skips decoding: the undecodable image then counts as usable', async () => {
    const { output } = await datasetInfo(join(base, 'coco'), { json: true, quick: true });
    expect((JSON.parse(output) as DatasetInfo).images).toBe(4);
  });

  it('exits 1 when no image is usable, and when nothing is recognised', async () => {
    const unusable = await datasetInfo(join(base, 'unusable'));
    expect(unusable.exitCode).toBe(1);
    expect(unusable.output).toMatch(/labels.csv: line 2: image "nope.jpg" not found/);
    expect(unusable.output).toMatch(/No usable image/);
    const plain = await datasetInfo(join(base, 'plain'));
    expect(plain).toMatchObject({ exitCode: 1, opened: false });
    expect(plain.output).toMatch(/Looked for: .*labels\.csv/);
  });

  it('prints names from the dataset escaped: no OSC, CSI, BEL or NUL reaches the terminal', async () => {
    const { output } = await datasetInfo(join(base, 'hostile'));
    const raw = (text: string): string[] => [...text].filter((ch) => ch !== '\n' && (ch < ' ' || (ch >= '\u007f' && ch <= '\u009f')));
    expect(raw(output)).toEqual([]);
    expect(output).toMatch(/cat\\e\]2Xowned\\x07/);
    expect(output).toMatch(/\\e\[2Jgone\\x00\.jpg/);
    const json = await datasetInfo(join(base, 'hostile'), { json: true });
    expect(raw(json.output)).toEqual([]);
    expect((JSON.parse(json.output) as DatasetInfo).classes.map((c) => c.name)).toContain('cat\u001b]2Xowned\u0007');
  });

  it('refuses an unknown --format in one line, not a schema dump', async () => {
    const program = new Command('eader').exitOverride().configureOutput({ writeErr: () => undefined });
    registerDataset(program);
    const failed = await program.parseAsync(['dataset', 'info', join(base, 'coco'), '--format', 'yolo'], { from: 'user' }).catch((e: unknown) => e);
    expect(String((failed as Error).message)).toBe("error: option '--format <format>' argument 'yolo' is invalid. must be one of voc, coco, folder.");
  });

  it('is wired into the command line: prints and sets the exit code', async () => {
    const program = new Command('eader').exitOverride();
    registerDataset(program);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const previous = process.exitCode;
    try {
      await program.parseAsync(['dataset', 'info', join(base, 'unusable'), '--json'], { from: 'user' });
      expect(process.exitCode).toBe(1);
      expect(JSON.parse(String(log.mock.calls[0]?.[0]))).toMatchObject({ format: 'folder', usable: false });
      await program.parseAsync(['dataset', 'info', join(base, 'coco')], { from: 'user' });
      expect(process.exitCode).toBe(0);
      expect(String(log.mock.calls[1]?.[0])).toMatch(/Format: +coco/);
      await program.parseAsync(['dataset', 'info', join(base, 'plain')], { from: 'user' });
      expect(process.exitCode).toBe(1);
      expect(String(error.mock.calls[0]?.[0])).toMatch(/Cannot open/);
    } finally {
      process.exitCode = previous;
      log.mockRestore();
      error.mockRestore();
    }
  });
});
