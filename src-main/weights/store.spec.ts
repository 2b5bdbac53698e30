import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Classifier } from '../engine/classifier';
import { makeRng } from '../engine/rng';
import { useTestBackend } from '../testing/tf-backend';
import { weightFixture } from '../testing/weight-fixtures';
import { writeTorchSafetensors } from '../testing/weight-files';
import { importWeights } from './import';
import { openWeights, weightsOpener, weightsProvenance } from './resolve';
import { sha256File } from './sha256';
import { WeightsStore } from './store';

const bn = { momentum: 0.1, epsilon: 1e-5 };
let dir = '';
let source: Classifier;
let file = '';
beforeAll(async () => {
  await useTestBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'eader-store-'));
  source = new Classifier('tiny', 10, makeRng(21), bn);
  tf.tidy(() => void source.backbone.features(tf.randomNormal([2, 16, 16, 3], 1, 2, 'float32', 4) as tf.Tensor4D, true));
  file = join(dir, 'tiny-torch.safetensors');
  await writeTorchSafetensors(file, source.store, 'model.', [{ name: 'model.bn1.num_batches_tracked', shape: [], data: new Float32Array([3]) }]);
});
afterAll(async () => {
  source.dispose();
  await rm(dir, { recursive: true, force: true });
});

const x = () => tf.randomNormal([1, 16, 16, 3], 0, 1, 'float32', 8) as tf.Tensor4D;

describe('the weights store', () => {
  it('imports once (checked by loading into the engine network), lists, and opens to the same network', async () => {
    const store = new WeightsStore(join(dir, 'a'));
    const entry = await importWeights(file, store, { name: 'tiny-test' });
    expect(entry).toMatchObject({ name: 'tiny-test', backbone: 'tiny', headClasses: 10, sourceFormat: 'safetensors', tensors: 22, sha256: await sha256File(file), source: { kind: 'file', path: file } });
    expect(entry.parameters).toBe(source.store.countTrainable());
    expect(entry.ignored).toEqual(['model.bn1.num_batches_tracked']);
    expect((await store.list()).entries.map((e) => e.name)).toEqual(['tiny-test']);
    expect(await readdir(store.root)).toEqual(['tiny-test']); // no leftovers of the build folder

    const target = new Classifier('tiny', 10, makeRng(5), bn);
    const opened = await openWeights('tiny-test', store);
    expect(opened.layout).toBe('tfjs');
    await target.loadPretrained(opened, { head: true });
    await opened.close();
    const input = x();
    const [a, b] = [source.logits(input, false), target.logits(input, false)];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([input, a, b]);
    target.dispose();

    const provenance = await weightsProvenance('tiny-test', store);
    expect(provenance).toEqual({ ref: 'tiny-test', kind: 'store', resolved: 'tiny-test', sha256: entry.sha256, backbone: 'tiny' });
    expect(await weightsProvenance(file, store)).toMatchObject({ kind: 'file', resolved: file, sha256: entry.sha256, backbone: 'tiny' });
    const viaOpener = await weightsOpener(store)(file);
    expect(viaOpener.layout).toBe('torch');
    await viaOpener.close?.();
  });

  it('refuses a taken name unless replacing, a wrong --backbone, an unknown architecture, a bad name', async () => {
    const store = new WeightsStore(join(dir, 'b'));
    await importWeights(file, store, { name: 'w' });
    await expect(importWeights(file, store, { name: 'w' })).rejects.toThrow(/weights named w already exist in .*\(choose another --name, or --replace\)/);
    const again = await importWeights(file, store, { name: 'w', replace: true });
    expect((await store.list()).entries).toEqual([again]);
    expect((await readdir(store.root)).sort()).toEqual(['w']);
    await expect(importWeights(file, store, { name: 'x', backbone: 'resnet50' })).rejects.toThrow(/holds a tiny \(tiny blocks\), not a resnet50/);
    await expect(importWeights(weightFixture('tiny.pth'), store, { name: 'y' })).rejects.toThrow(/tiny\.pth: the tensor names fit none of the engine's backbones .*: no ResNet stages/);
    await expect(importWeights(file, store, { name: '../escape' })).rejects.toThrow(/a weights name is 1–64 letters/);
    expect((await readdir(store.root)).sort()).toEqual(['w']);
  });

  it('a stored file changed on disk is refused; a broken entry folder is listed as a problem; a missing name is an error', async () => {
    const store = new WeightsStore(join(dir, 'c'));
    await importWeights(file, store, { name: 'z' });
    const stored = join(store.dir('z'), 'weights.safetensors');
    const bytes = await readFile(stored);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    await writeFile(stored, bytes);
    await expect(store.open('z')).rejects.toThrow(/weights\.safetensors: changed since it was imported \(SHA-256 .*\); import it again/);
    await mkdir(join(store.root, 'junk'));
    await writeFile(join(store.root, 'junk', 'entry.json'), '{"format":"nope"}');
    const listing = await store.list();
    expect(listing.entries.map((e) => e.name)).toEqual(['z']);
    expect(listing.problems).toEqual([{ name: 'junk', reason: expect.stringMatching(/junk\/entry\.json: not a weights entry/) }]);
    await expect(openWeights('nothing-here', store)).rejects.toThrow(/weights 'nothing-here': no such file, and no entry of that name in .* \(see eader weights list\)/);
    expect(await new WeightsStore(join(dir, 'never-made')).list()).toEqual({ entries: [], problems: [] });
  });
});
