import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIndexedPng } from '../codecs/indexed-png';
import { createDatasetSession } from './dataset-session';
import { historyDir } from '../project/project-paths';
import { MaskRejectedError, UnknownImageError } from '../project/errors';
import { MaskService, maskSaveCode } from './mask-service';
import { ProjectSession } from './project-session';

async function setup() {
  const datasets = createDatasetSession(() => {});
  const projects = new ProjectSession(datasets, () => {});
  await datasets.open({ demo: true });
  await projects.create(join(mkdtempSync(join(tmpdir(), 'eader-masks-')), 'p'));
  return { datasets, projects, masks: new MaskService(datasets, projects) };
}

describe('mask save error codes (by error class, never by message text)', () => {
  it('maps a refused mask or an unknown image to INVALID_INPUT, anything else to UNAVAILABLE', () => {
    expect(maskSaveCode(new MaskRejectedError('whatever the words'))).toBe('INVALID_INPUT');
    expect(maskSaveCode(new UnknownImageError('x', 'p'))).toBe('INVALID_INPUT');
    // The words the old regex looked for, on a plain error: not the caller's fault.
    expect(maskSaveCode(new Error('mask for "a" holds value 9 bytes for 2×2 but the image is 3×2; no image'))).toBe('UNAVAILABLE');
    expect(maskSaveCode('EIO')).toBe('UNAVAILABLE');
  });
});

describe('mask service', () => {
  it('starts from the dataset GT, then from the saved mask, and reverts', async () => {
    const { datasets, masks } = await setup();
    const id = datasets.query({ limit: 1 }).items[0]!.id;
    const first = await masks.load(id);
    expect(first.source).toBe('dataset-gt');
    expect(first.classes[0]).toBe('background');
    const edited = Uint8Array.from(first.data, (v, i) => (i < 10 ? 2 : v));
    expect(await masks.save({ id, width: first.width, height: first.height, data: edited })).toEqual({ revision: 1 });
    const again = await masks.load(id);
    expect(again).toMatchObject({ source: 'project', revision: 1 });
    expect(Buffer.from(again.data).equals(Buffer.from(edited))).toBe(true);
    await masks.save({ id, width: first.width, height: first.height, data: first.data });
    expect(await masks.revert(id, 1)).toEqual({ revision: 3 });
    expect(Buffer.from((await masks.load(id)).data).equals(Buffer.from(edited))).toBe(true);
  });

  it('refuses masks of the wrong size or with values that are no class', async () => {
    const { datasets, masks } = await setup();
    const id = datasets.query({ limit: 1 }).items[0]!.id;
    const { width, height } = await masks.load(id);
    await expect(masks.save({ id, width: width + 1, height, data: new Uint8Array((width + 1) * height) })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(masks.save({ id, width, height, data: new Uint8Array(width * height).fill(77) })).rejects.toThrow(/value 77/);
    await expect(masks.save({ id, width, height, data: new Uint8Array(width * height).fill(77) })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(masks.save({ id, width, height, data: new Uint8Array(width * height - 1) })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/bytes for/) });
    await expect(masks.save({ id: 'no-such-image', width, height, data: new Uint8Array(width * height) })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^Could not save the mask of "no-such-image": no image "no-such-image"/) });
  });

  it('reports a mask the disk cannot take as UNAVAILABLE, naming the image', async () => {
    const { datasets, projects, masks } = await setup();
    const id = datasets.query({ limit: 1 }).items[0]!.id;
    const { width, height } = await masks.load(id);
    // The revision folder is a file: the write fails below the mask store.
    mkdirSync(join(historyDir(projects.current()!.dir, id), '..'), { recursive: true });
    writeFileSync(historyDir(projects.current()!.dir, id), 'in the way');
    await expect(masks.save({ id, width, height, data: new Uint8Array(width * height) })).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(new RegExp(`^Could not save the mask of "${id}": `)) });
  });

  it('imports a folder of masks from another tool, reporting every file it skips', async () => {
    const { datasets, masks } = await setup();
    const [a, b] = datasets.query({ limit: 2 }).items;
    const good = await masks.load(a!.id);
    const dir = mkdtempSync(join(tmpdir(), 'eader-import-'));
    const imported = Uint8Array.from(good.data, (v, i) => (i % 7 === 0 ? 255 : v));
    writeFileSync(join(dir, `${a!.id}.png`), encodeIndexedPng({ width: good.width, height: good.height, data: imported }));
    writeFileSync(join(dir, `${b!.id}.png`), encodeIndexedPng({ width: 3, height: 3, data: new Uint8Array(9) }));
    writeFileSync(join(dir, 'not_an_image_of_ours.png'), encodeIndexedPng({ width: 3, height: 3, data: new Uint8Array(9) }));
    writeFileSync(join(dir, 'broken.png'), 'this is not a png');
    mkdirSync(join(dir, 'sub.png'));
    const result = await masks.importFolder(dir);
    expect(result.imported).toBe(1);
    expect(result.skipped.map((s) => s.file).sort()).toEqual([`${b!.id}.png`, 'broken.png', 'not_an_image_of_ours.png', 'sub.png'].sort());
    expect(result.skipped.find((s) => s.file === `${b!.id}.png`)?.reason).toMatch(/3×3 but the image is/);
    expect(Buffer.from((await masks.load(a!.id)).data).equals(Buffer.from(imported))).toBe(true);
  });

  it('imports only regular files inside the folder: a FIFO or a /dev/zero symlink is skipped at once, named', async () => {
    const { datasets, masks } = await setup();
    const [a, b, c] = datasets.query({ limit: 3 }).items;
    const dir = mkdtempSync(join(tmpdir(), 'eader-import-hostile-'));
    execFileSync('mkfifo', [join(dir, `${a!.id}.png`)]);
    symlinkSync('/dev/zero', join(dir, `${b!.id}.png`));
    const outside = mkdtempSync(join(tmpdir(), 'eader-import-outside-'));
    const good = await masks.load(c!.id);
    writeFileSync(join(outside, 'x.png'), encodeIndexedPng({ width: good.width, height: good.height, data: good.data }));
    symlinkSync(join(outside, 'x.png'), join(dir, `${c!.id}.png`));
    const started = Date.now();
    const result = await masks.importFolder(dir);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.imported).toBe(0);
    const reason = (id: string): string | undefined => result.skipped.find((s) => s.file === `${id}.png`)?.reason;
    expect(reason(a!.id)).toMatch(/is a FIFO \(named pipe\), not a regular file/);
    expect(reason(b!.id)).toMatch(/symlink that leads out of .*\(to \/dev\/zero\)/);
    expect(reason(c!.id)).toMatch(/symlink that leads out of/);
  });
});
