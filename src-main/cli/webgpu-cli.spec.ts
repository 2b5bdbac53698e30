/**
 * `eader train --backend webgpu` in a real trainer child process and `eader infer --backend webgpu`,
 * on a software WebGPU adapter (skipped when none can be created): the run records webgpu and the
 * adapter, the trainer exits on its own, and the masks are written.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { readRunRecord } from '../runs/run-store';
import { writeShapesVoc } from '../testing/shapes-fixture';
import { useSoftwareWebGpu } from '../testing/webgpu';
import { runCli } from './index';

const adapter = useSoftwareWebGpu();
let root: string;
let val: string[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-webgpu-cli-'));
  ({ val } = await writeShapesVoc(join(root, 'data'), { train: 4, val: 2, width: 40, height: 32, seed: 2 }));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(!adapter.ok)(`eader train/infer --backend webgpu (${adapter.ok ? adapter.adapter : adapter.why})`, () => {
  it('trains a quick run in the trainer process, records webgpu and the adapter, and infers the masks', async () => {
    const runDir = join(root, 'run');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const common = ['--preset', 'quick', '--image-size', '32', '--batch-size', '2', '--epochs', '2', '--sample-every', '0', '--checkpoint-every', '2'];
      await runCli(['train', '--dataset', join(root, 'data'), '--out', runDir, '--backend', 'webgpu', ...common]);
      expect(log.mock.calls.flat().join('\n')).toMatch(/Training ended \(completed\) at step 4/);
      const record = await readRunRecord(runDir);
      expect(record.backend).toBe('webgpu');
      expect(record.config.backend).toBe('webgpu');
      expect(record.adapter).toMatchObject({ software: true });
      expect(record.device).toMatch(/via WebGPU \(Dawn\)/);

      const masks = join(root, 'masks');
      await runCli(['infer', '--run', runDir, '--dataset', join(root, 'data'), '--split', 'val', '--out', masks, '--backend', 'webgpu', '--checkpoint', 'last']);
      const written = (await readdir(masks)).filter((f) => f.endsWith('.png')).sort();
      expect(written).toEqual(val.map((id) => `${id}.png`).sort());
      for (const file of written) {
        const { mask } = decodeIndexedPng(await readFile(join(masks, file)));
        expect([mask.width, mask.height]).toEqual([40, 32]);
        expect(mask.data.every((v) => v <= 2)).toBe(true);
      }
      expect(JSON.parse(await readFile(join(masks, 'infer.json'), 'utf8'))).toMatchObject({ backend: 'webgpu', images: 2, checkpointStep: 4 });
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  }, 600_000);
});
