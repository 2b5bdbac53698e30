/**
 * The Training area's weights jobs, with the real weights worker (a child process through the
 * toolkit) and a local HTTP server (nothing leaves the machine): a download reports its progress
 * and phases and lands in the store, an import of a file too; one job at a time; a taken name, a
 * missing file and a file that does not load are refused with one line; cancel ends the worker
 * and keeps the partial download.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeightsJob } from '@shared/domain/weights';
import { ApiError } from '@shared/envelope';
import { Classifier } from '../engine/classifier';
import { makeRng } from '../engine/rng';
import { useTestBackend } from '../testing/tf-backend';
import { writeTorchSafetensors } from '../testing/weight-files';
import type { Release } from '../weights/download';
import { sha256Bytes } from '../weights/sha256';
import { WeightsStore } from '../weights/store';
import { WeightsService } from './weights-service';

let dir = '';
let file = '';
let payload = Buffer.alloc(0);
let server: Server;
let base = '';
/** When set, the server sends this many bytes and then holds the connection open. */
let stallAfter: number | null = null;
const stalled: ServerResponse[] = [];

beforeAll(async () => {
  await useTestBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'eader-weights-service-'));
  const net = new Classifier('tiny', 1000, makeRng(3), { momentum: 0.1, epsilon: 1e-5 });
  tf.tidy(() => void net.backbone.features(tf.randomNormal([2, 16, 16, 3]) as tf.Tensor4D, true));
  file = join(dir, 'tiny-imagenet.safetensors');
  await writeTorchSafetensors(file, net.store);
  net.dispose();
  payload = await readFile(file);
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': payload.length });
    if (stallAfter !== null) {
      res.write(payload.subarray(0, stallAfter));
      stalled.push(res);
      return;
    }
    const step = Math.ceil(payload.length / 8);
    let i = 0;
    const next = (): void => {
      if (i >= payload.length) return void res.end();
      res.write(payload.subarray(i, i + step));
      i += step;
      setTimeout(next, 30); // spread over ~250 ms, so progress arrives more than once
    };
    next();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models`;
});
afterAll(async () => {
  for (const res of stalled) res.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

const release = (): Release => ({ key: 'tiny-test', url: `${base}/tiny-${sha256Bytes(payload).slice(0, 8)}.pth`, backbone: 'tiny', weights: 'test' });

function service(name: string): { weights: WeightsService; events: WeightsJob[] } {
  const events: WeightsJob[] = [];
  const weights = new WeightsService({ store: new WeightsStore(join(dir, name)), emit: (job) => events.push(job), releases: { 'tiny-test': release() }, env: { ...process.env, EADER_BACKEND: 'wasm' } });
  return { weights, events };
}

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => (e instanceof ApiError ? { code: e.code, message: e.message } : e));

describe('the weights service', () => {
  it('downloads a release in a worker: progress, verify, import, then the entry is listed', async () => {
    const { weights, events } = service('a');
    const job = await weights.download('tiny-test');
    expect(job).toMatchObject({ kind: 'download', source: 'tiny-test', name: 'tiny-test', status: 'running' });
    // One job at a time.
    expect(await refusal(weights.importFile(file))).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^A weights download \(tiny-test\) is running/) as unknown });
    await weights.settled();
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ status: 'done', entry: { name: 'tiny-test', backbone: 'tiny', sha256: sha256Bytes(payload), source: { kind: 'download', release: 'tiny-test' } } });
    expect(last.message).toMatch(/^Stored as tiny-test \(tiny, SHA-256 [0-9a-f]{12}…\)\.$/);
    const received = events.flatMap((e) => (e.progress ? [e.progress.received] : []));
    expect(received.length).toBeGreaterThan(1);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(received[received.length - 1]).toBe(payload.length);
    const phases = events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(['starting', 'download', 'verify', 'import']);
    const listing = await weights.list();
    expect(listing.entries.map((e) => e.name)).toEqual(['tiny-test']);
    expect(listing.job?.status).toBe('done');
    expect(listing.releases.map((r) => r.key)).toEqual(['resnet18', 'resnet50', 'resnet101', 'resnet50-v2', 'resnet101-v2']);
    expect(listing.releases.every((r) => r.stored === null)).toBe(true); // not torchvision's bytes
    expect(await readdir(weights.store.downloads)).toEqual([]); // the downloaded file is removed once imported
    expect(await refusal(weights.download('tiny-test'))).toEqual({ code: 'CONFLICT', message: `Weights named tiny-test already exist in ${weights.store.root}; choose another name.` });
    expect(await refusal(weights.download('resnet1000'))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^Unknown release resnet1000; choose one of resnet18, /) as unknown });
  });

  it('imports a file in a worker; refuses a missing file and reports one that does not load', async () => {
    const { weights, events } = service('b');
    await weights.importFile(file, 'mine');
    await weights.settled();
    expect(events[events.length - 1]).toMatchObject({ kind: 'import', status: 'done', phase: 'import', entry: { name: 'mine', source: { kind: 'file', path: file } } });
    expect(await refusal(weights.importFile(join(dir, 'nope.pth')))).toEqual({ code: 'INVALID_INPUT', message: `${join(dir, 'nope.pth')}: no such file (give a .pth, .safetensors or tfjs model.json file).` });
    expect(await refusal(weights.importFile(file, '../evil'))).toMatchObject({ code: 'INVALID_INPUT' });
    const junk = join(dir, 'junk.pth');
    await writeFile(junk, 'not a weights file');
    await weights.importFile(junk);
    await weights.settled();
    expect(events[events.length - 1]).toMatchObject({ status: 'failed', name: 'junk', message: expect.stringMatching(/junk\.pth: /) as unknown });
    expect((await weights.list()).entries.map((e) => e.name)).toEqual(['mine']);
  });

  it('cancel ends the worker and keeps what arrived for the next download to resume', async () => {
    const { weights, events } = service('c');
    stallAfter = 1000;
    try {
      await weights.download('tiny-test');
      await expect.poll(() => events.some((e) => e.progress?.received === 1000), { timeout: 30_000 }).toBe(true);
      expect(weights.cancel()).toMatchObject({ status: 'cancelled' });
      await weights.settled();
      expect(events[events.length - 1]).toMatchObject({ status: 'cancelled', message: expect.stringMatching(/resumes it/) as unknown });
      const partial = join(weights.store.downloads, `tiny-${sha256Bytes(payload).slice(0, 8)}.pth.partial`);
      expect((await readFile(partial)).length).toBe(1000);
    } finally {
      stallAfter = null;
    }
  });
});
