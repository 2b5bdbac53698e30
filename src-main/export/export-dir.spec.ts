import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { tempDir } from '../testing/export-fixture';
import { ExportDir } from './export-dir';

let dir: string;

beforeAll(async () => {
  dir = await tempDir('export-dir');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function walk(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('ExportDir', () => {
  it('builds in <out>.partial-<pid> and only shows <out> after commit', async () => {
    const out = join(dir, 'a');
    const exp = await ExportDir.create(out);
    await exp.writeFile('x/y.txt', 'hello');
    expect(await readdir(dir)).toEqual([`a.partial-${process.pid}`]);
    await exp.commit();
    expect(await readdir(dir)).toEqual(['a']);
    expect((await readdir(out)).sort()).toEqual(['.eader-export.json', 'x']);
    expect(exp.files()).toEqual(['x/y.txt']);
    expect(await readFile(join(out, 'x/y.txt'), 'utf8')).toBe('hello');
    await expect(exp.writeFile('z.txt', '')).rejects.toThrow(/committed/);
  });

  it('replaces an old export only with overwrite, and abort leaves the old one', async () => {
    const out = join(dir, 'b');
    const old = await ExportDir.create(out);
    await old.writeFile('old.txt', 'old');
    await old.commit();
    await expect(ExportDir.create(out)).rejects.toThrow(/already exists/);
    const aborted = await ExportDir.create(out, { overwrite: true });
    await aborted.writeFile('new.txt', 'new');
    await aborted.abort();
    expect((await readdir(out)).sort()).toEqual(['.eader-export.json', 'old.txt']);
    const replacing = await ExportDir.create(out, { overwrite: true });
    await replacing.writeFile('new.txt', 'new');
    await replacing.commit();
    expect((await readdir(out)).sort()).toEqual(['.eader-export.json', 'new.txt']);
    expect((await readdir(dir)).filter((n) => n.startsWith('b'))).toEqual(['b']);
  });

  it('refuses paths that leave the export folder', async () => {
    const exp = await ExportDir.create(join(dir, 'c'));
    for (const bad of ['../x', 'a/../../x', '/abs', 'a//b', '.tmp-x', 'a\\b']) {
      await expect(exp.writeFile(bad, ''), bad).rejects.toThrow(/invalid file name/);
    }
    await exp.abort();
  });

  it('removes partial folders of dead processes', async () => {
    const stale = join(dir, 'd.partial-999999');
    await mkdir(stale);
    const exp = await ExportDir.create(join(dir, 'd'));
    expect((await readdir(dir)).filter((n) => n.startsWith('d.'))).toEqual([`d.partial-${process.pid}`]);
    await exp.abort();
  });

  it('a kill -9 during an export leaves no <out> and no half-written file under a final name', async () => {
    const out = join(dir, 'killed');
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../testing/export-kill-child.ts'), out, join(dir, 'kill-data')], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    await new Promise<void>((started, failed) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('started')) started();
      });
      child.on('exit', () => failed(new Error(`child exited before starting: ${stderr}`)));
    });
    await new Promise((r) => setTimeout(r, 150)); // mid-way through the items
    child.kill('SIGKILL');
    await exited;

    const names = await readdir(dir);
    expect(names).not.toContain('killed');
    const partial = names.find((n) => n.startsWith('killed.partial-'));
    expect(partial).toBeDefined();
    const files = await walk(join(dir, partial!));
    const finals = files.filter((f) => !f.split('/').pop()!.startsWith('.tmp-'));
    expect(finals.length).toBeGreaterThan(0);
    expect(files.length - finals.length).toBeLessThanOrEqual(1);
    for (const file of finals) {
      const bytes = await readFile(file);
      if (file.endsWith('.png')) expect(decodeIndexedPng(bytes).mask.width).toBe(160);
      else if (file.endsWith('.jpg')) expect(bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    }
  });
});
