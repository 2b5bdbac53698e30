import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import { Classifier } from '../engine/classifier';
import { makeRng } from '../engine/rng';
import { ConfigError } from '../engine/settings';
import { useTestBackend } from '../testing/tf-backend';
import { writeTorchSafetensors } from '../testing/weight-files';
import { importWeights } from './import';
import { absoluteWeightRefs, checkSameWeights, resolveRunWeights } from './run-weights';
import { encodeSafetensors } from './safetensors';
import { sha256File } from './sha256';
import { WeightsStore } from './store';

let dir = '';
let file = '';
let store: WeightsStore;
beforeAll(async () => {
  await useTestBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'eader-run-weights-'));
  const net = new Classifier('tiny', 10, makeRng(3), { momentum: 0.1, epsilon: 1e-5 });
  await mkdir(join(dir, 'w'));
  file = join(dir, 'w', 'tiny.safetensors');
  await writeTorchSafetensors(file, net.store);
  net.dispose();
  store = new WeightsStore(join(dir, 'store'));
  await importWeights(file, store, { name: 'tiny-a' });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe("a run's weights settings", () => {
  it('resolve to their provenance; none is from scratch', async () => {
    const sha256 = await sha256File(file);
    expect(await resolveRunWeights(SMALL_TRAIN_CONFIG, store)).toEqual({ localizer: null, adversary: null });
    expect(await resolveRunWeights({ ...SMALL_TRAIN_CONFIG, pretrained: 'tiny-a', adversaryPretrained: file }, store)).toEqual({
      localizer: { ref: 'tiny-a', kind: 'store', resolved: 'tiny-a', sha256, backbone: 'tiny' },
      adversary: { ref: file, kind: 'file', resolved: file, sha256, backbone: 'tiny' },
    });
  });

  it('make file references absolute (the trainer runs in another folder) and leave store names alone', async () => {
    const config = await absoluteWeightRefs({ ...SMALL_TRAIN_CONFIG, pretrained: 'w/tiny.safetensors', adversaryPretrained: 'tiny-a' }, dir);
    expect([config.pretrained, config.adversaryPretrained]).toEqual([file, 'tiny-a']);
  });

  it('name the setting, the reference and the problem in one line', async () => {
    const junk = join(dir, 'junk.safetensors');
    await writeFile(junk, encodeSafetensors([{ name: 'encoder.w', shape: [2], data: new Float32Array([1, 2]) }], {}));
    const refused = (patch: object) => resolveRunWeights({ ...SMALL_TRAIN_CONFIG, ...patch }, store);
    await expect(refused({ pretrained: 'nope' })).rejects.toThrow(ConfigError);
    await expect(refused({ pretrained: 'nope' })).rejects.toThrow(/^pretrained 'nope': no such file, and no entry of that name in .*store \(see eader weights list\)$/);
    await expect(refused({ adversaryPretrained: junk })).rejects.toThrow(/^adversaryPretrained '.*junk\.safetensors': the tensor names fit none of the engine's backbones, so it cannot load into the adversary \(adversary tiny\)$/);
    await expect(refused({ pretrained: join(dir, 'w') })).rejects.toThrow(/^pretrained '.*w': no such file, and no entry of that name/); // a folder is not a weights file
  });

  it('refuse to start a resumed run over with other weights than it recorded', async () => {
    const config = { ...SMALL_TRAIN_CONFIG, pretrained: 'tiny-a' };
    const recorded = await resolveRunWeights(config, store);
    await expect(checkSameWeights(config, recorded, store)).resolves.toBeUndefined();
    const net = new Classifier('tiny', 10, makeRng(4), { momentum: 0.1, epsilon: 1e-5 });
    const other = join(dir, 'other.safetensors');
    await writeTorchSafetensors(other, net.store);
    net.dispose();
    await importWeights(other, store, { name: 'tiny-a', replace: true });
    await expect(checkSameWeights(config, recorded, store)).rejects.toThrow(/^the localizer weights 'tiny-a' changed since the run began \(SHA-256 [0-9a-f]{12}…, recorded [0-9a-f]{12}…\)/);
  });
});
