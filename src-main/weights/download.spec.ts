/**
 * Downloads against a local HTTP server (nothing leaves the machine): progress, resume after an
 * interrupted transfer (HTTP Range), a wrong checksum refused before anything is imported, a server
 * that ignores Range, and the message when the host cannot be reached.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeightsDownloadProgress } from '@shared/domain/weights';
import { Classifier } from '../engine/classifier';
import { makeRng } from '../engine/rng';
import { useTestBackend } from '../testing/tf-backend';
import { writeTorchSafetensors } from '../testing/weight-files';
import { RELEASES, downloadRelease, fromMirror, publishedHashPrefix, type Release } from './download';
import { sha256Bytes } from './sha256';
import { WeightsStore } from './store';

interface Behaviour {
  /** Close the connection after this many body bytes, on the first request only. */
  cutAfter?: number;
  ignoreRange?: boolean;
}

let dir = '';
let payload = Buffer.alloc(0);
let server: Server;
let base = '';
const requests: { range: string | undefined }[] = [];
let behaviour: Behaviour = {};

beforeAll(async () => {
  await useTestBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'eader-download-'));
  const net = new Classifier('tiny', 1000, makeRng(3), { momentum: 0.1, epsilon: 1e-5 });
  tf.tidy(() => void net.backbone.features(tf.randomNormal([2, 16, 16, 3]) as tf.Tensor4D, true));
  const file = join(dir, 'source.safetensors');
  await writeTorchSafetensors(file, net.store);
  net.dispose();
  payload = await readFile(file);
  server = createServer((req, res) => {
    const range = req.headers.range;
    requests.push({ range });
    let start = 0;
    const match = /^bytes=(\d+)-$/.exec(range ?? '');
    if (match && !behaviour.ignoreRange) {
      start = Number(match[1]);
      if (start >= payload.length) {
        res.writeHead(416, { 'content-range': `bytes */${payload.length}` }).end();
        return;
      }
      res.writeHead(206, { 'content-length': payload.length - start, 'content-range': `bytes ${start}-${payload.length - 1}/${payload.length}` });
    } else {
      res.writeHead(200, { 'content-length': payload.length });
    }
    const body = payload.subarray(start);
    const cut = behaviour.cutAfter;
    if (cut !== undefined) {
      behaviour = { ...behaviour, cutAfter: undefined };
      res.write(body.subarray(0, cut), () => res.destroy());
      return;
    }
    // Several chunks, so progress is reported more than once.
    const step = Math.ceil(body.length / 4);
    for (let i = 0; i < body.length; i += step) res.write(body.subarray(i, i + step));
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

const release = (prefix = sha256Bytes(payload).slice(0, 8)): Release => ({ key: 'tiny-imagenet', url: `${base}/tiny-${prefix}.pth`, backbone: 'tiny', weights: 'test' });

describe('weights download', () => {
  it('the release table: torchvision URLs whose names carry the SHA-256 prefix; a mirror keeps the name', () => {
    expect(Object.keys(RELEASES)).toEqual(['resnet18', 'resnet50', 'resnet101', 'resnet50-v2', 'resnet101-v2']);
    expect(RELEASES.resnet50?.url).toBe('https://download.pytorch.org/models/resnet50-0676ba61.pth');
    expect(publishedHashPrefix(RELEASES.resnet101!.url)).toBe('63fe2227');
    expect(fromMirror(RELEASES.resnet18!, 'http://mirror.local/w/').url).toBe('http://mirror.local/w/resnet18-f37072fd.pth');
    expect(() => publishedHashPrefix('https://x.org/model.pth')).toThrow(/carries no SHA-256 prefix/);
  });

  it('downloads with progress, verifies, imports, and leaves no download behind', async () => {
    requests.length = 0;
    behaviour = {};
    const store = new WeightsStore(join(dir, 'ok'));
    const progress: WeightsDownloadProgress[] = [];
    const entry = await downloadRelease(release(), store, { onProgress: (p) => progress.push(p) });
    expect(entry).toMatchObject({ name: 'tiny-imagenet', backbone: 'tiny', headClasses: 1000, sha256: sha256Bytes(payload), source: { kind: 'download', url: release().url, release: 'tiny-imagenet' } });
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toEqual({ release: 'tiny-imagenet', received: payload.length, total: payload.length, resumedFrom: 0 });
    expect(progress.map((p) => p.received)).toEqual([...progress.map((p) => p.received)].sort((a, b) => a - b));
    expect(await readdir(store.downloads)).toEqual([]);
    expect(requests).toEqual([{ range: undefined }]);
  });

  it('resumes an interrupted transfer with a Range request', async () => {
    requests.length = 0;
    const store = new WeightsStore(join(dir, 'resume'));
    behaviour = { cutAfter: 5000 };
    await expect(downloadRelease(release(), store)).rejects.toThrow(/interrupted after 5000 of \d+ bytes .*run the same command again to resume from .*tiny-[0-9a-f]{8}\.pth\.partial/);
    expect((await readdir(store.downloads)).map((f) => f.replace(/-[0-9a-f]{8}/, ''))).toEqual(['tiny.pth.partial']);
    const progress: WeightsDownloadProgress[] = [];
    const entry = await downloadRelease(release(), store, { onProgress: (p) => progress.push(p) });
    expect(requests).toEqual([{ range: undefined }, { range: 'bytes=5000-' }]);
    expect(progress[0]).toEqual({ release: 'tiny-imagenet', received: 5000, total: payload.length, resumedFrom: 5000 });
    expect(entry.sha256).toBe(sha256Bytes(payload));
  });

  it('starts over when the server ignores Range', async () => {
    requests.length = 0;
    const store = new WeightsStore(join(dir, 'norange'));
    behaviour = { cutAfter: 3000, ignoreRange: true };
    await expect(downloadRelease(release(), store)).rejects.toThrow(/interrupted/);
    const entry = await downloadRelease(release(), store);
    expect(requests.map((r) => r.range)).toEqual([undefined, 'bytes=3000-']);
    expect(entry.sha256).toBe(sha256Bytes(payload));
    behaviour = {};
  });

  it('refuses a wrong checksum before anything is imported, and deletes the download', async () => {
    const store = new WeightsStore(join(dir, 'bad'));
    await expect(downloadRelease(release('deadbeef'), store)).rejects.toThrow(
      /tiny-deadbeef\.pth: checksum mismatch \(SHA-256 [0-9a-f]{16}…, published prefix deadbeef\); the download was deleted, nothing was imported/,
    );
    expect(await readdir(store.downloads)).toEqual([]);
    expect((await store.list()).entries).toEqual([]);
  });

  it('a verified file already downloaded is not fetched again', async () => {
    requests.length = 0;
    const store = new WeightsStore(join(dir, 'cached'));
    const r = release();
    await downloadRelease(r, store, { name: 'first' });
    await writeFile(join(store.downloads, `tiny-${publishedHashPrefix(r.url)}.pth`), payload);
    await downloadRelease(r, store, { name: 'second' });
    expect(requests).toHaveLength(1);
  });

  it('says plainly when the host cannot be reached', async () => {
    const store = new WeightsStore(join(dir, 'offline'));
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(downloadRelease(fromMirror(release(), `http://127.0.0.1:${port}/m`), store)).rejects.toThrow(
      /^cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\): offline\? What arrived is kept in .*; run the command again to resume, or download the file elsewhere and use eader weights import FILE$/,
    );
  });
});
