/**
 * Every child entry from the build (out/main/<name>.js, as the packaged app runs them), started
 * through the same toolkit and protocols as from the sources: the trainer (a forked process), the
 * train worker (a thread), the pseudo-mask worker and the weights worker (forked processes). npm
 * test builds first.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_PRESET } from '@shared/domain/train-presets';
import { EaderModel } from '../src-main/engine/eader-model';
import { WorkerReplica } from '../src-main/engine/parallel/replica';
import { builtEntryPath, ENTRY_NAMES, entryOverrideVar, type EntryName } from '../src-main/processes/entries';
import { FORK } from '../src-main/processes/spawn';
import { CamCache, type CamCacheKey } from '../src-main/pseudo/cam-cache';
import { forkedCamRunner } from '../src-main/pseudo/cam-runner';
import { checkpointIdentity } from '../src-main/pseudo/run-checkpoint';
import { useTestBackend } from '../src-main/testing/tf-backend';
import { makeTestDataset, makeTestRun } from '../src-main/testing/trained-run';
import { trainerLauncher } from '../src-main/trainer/launch';
import { TrainerSupervisor } from '../src-main/trainer/supervisor';
import { APP_ROOT } from './fixtures/paths';
import { testEngineConfig } from '../src-main/testing/engine-config';
import type { WeightsJob } from '@shared/domain/weights';
import { Classifier } from '../src-main/engine/classifier';
import { makeRng } from '../src-main/engine/rng';
import { WeightsService } from '../src-main/services/weights-service';
import { writeTorchSafetensors } from '../src-main/testing/weight-files';
import { WeightsStore } from '../src-main/weights/store';

const built = (name: EntryName): string => join(APP_ROOT, builtEntryPath(name));
const fromBuild = (name: EntryName): NodeJS.ProcessEnv => ({ ...process.env, [entryOverrideVar(name)]: built(name) });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eader-built-entries-'));
  await useTestBackend('wasm');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('child entries from the build', () => {
  it('builds every entry of the table', () => {
    for (const name of ENTRY_NAMES) expect(existsSync(built(name)), `${built(name)} (npm run build)`).toBe(true);
  });

  it('the built trainer answers a bad dataset with a BAD_DATA outcome, and a kill becomes crashed', async () => {
    const bad = new TrainerSupervisor(trainerLauncher(FORK, { env: fromBuild('trainer'), stdio: 'ignore' }));
    await bad.start({ config: { ...QUICK_PRESET, backend: 'cpu' }, datasetRoot: join(dir, 'nope'), runDir: join(dir, 'run'), resume: false });
    expect(await bad.outcome).toMatchObject({ kind: 'error', code: 'BAD_DATA' });

    const killed = new TrainerSupervisor(trainerLauncher(FORK, { env: fromBuild('trainer'), stdio: 'ignore' }));
    killed.on((m) => {
      if (m.type === 'ready') killed.kill();
    });
    expect(await killed.outcome).toMatchObject({ kind: 'crashed', signal: 'SIGKILL', message: 'The trainer process was killed by SIGKILL before finishing.' });
  });

  it('the built train worker takes the master state and agrees on its checksum', async () => {
    const model = await EaderModel.create(testEngineConfig({ numClasses: 2, backbone: 'tiny', adversary: 'tiny', imageSize: 16, locSteps: 1, advSteps: 1 }));
    const replica = await WorkerReplica.start(model.config, await model.getState(), fromBuild('train-worker'));
    try {
      expect(replica.backend).toMatch(/^wasm/);
      expect(await replica.checksum()).toBe(await model.trainableChecksum());
    } finally {
      await replica.terminate();
      model.dispose();
    }
  });

  it('the built pseudo-mask worker computes a job into the cam cache', async () => {
    const { root, ids } = await makeTestDataset(2);
    const runDir = await makeTestRun(join(dir, 'runs'), 'run-b', root);
    const checkpoint = await checkpointIdentity(runDir, 'best');
    const key: CamCacheKey = { runId: 'run-b', ...checkpoint.key, scales: [1], flip: false, labels: 'gt', labelThreshold: 0.5, gridSide: 32, inputMaxSide: null };
    const cache = new CamCache(runDir, key);
    await cache.prepare();
    const images = ids.val.map((id) => ({ id, file: `VOCdevkit/VOC2012/JPEGImages/${id}.jpg`, labels: [1] }));
    const env = { ...fromBuild('pseudo-worker'), EADER_BACKEND: 'wasm' };
    const result = await forkedCamRunner({ env })({ runDir, checkpointDir: checkpoint.dir, key, datasetRoot: root, images }, () => undefined, new AbortController().signal);
    expect(result).toMatchObject({ done: 2, failed: [], cancelled: false, backend: 'wasm' });
    for (const id of ids.val) expect((await cache.readStored(id))?.classes).toEqual([1]);
    await rm(root, { recursive: true, force: true });
  });

  it('the built weights worker imports a file into the store', async () => {
    const net = new Classifier('tiny', 10, makeRng(2), { momentum: 0.1, epsilon: 1e-5 });
    const file = join(dir, 'tiny.safetensors');
    await writeTorchSafetensors(file, net.store);
    net.dispose();
    const jobs: WeightsJob[] = [];
    const weights = new WeightsService({ store: new WeightsStore(join(dir, 'weights')), emit: (job) => jobs.push(job), env: { ...fromBuild('weights-worker'), EADER_BACKEND: 'wasm' } });
    await weights.importFile(file, 'tiny-built');
    await weights.settled();
    expect(jobs[jobs.length - 1]).toMatchObject({ status: 'done', entry: { name: 'tiny-built', backbone: 'tiny', headClasses: 10 } });
    expect((await weights.list()).entries.map((e) => e.name)).toEqual(['tiny-built']);
  });
});
