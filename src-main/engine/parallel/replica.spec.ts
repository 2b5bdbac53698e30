import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../platform/paths';
import { useTestBackend } from '../../testing/tf-backend';
import { EaderModel } from '../eader-model';
import { WorkerReplica } from './replica';
import { testEngineConfig } from '../../testing/engine-config';

beforeAll(async () => useTestBackend('wasm'));

async function tinyModel(): Promise<EaderModel> {
  return EaderModel.create(testEngineConfig({ numClasses: 2, backbone: 'tiny', adversary: 'tiny', imageSize: 16, locSteps: 1, advSteps: 1 }));
}

describe('WorkerReplica over the process toolkit', () => {
  it('never sends a state the protocol refuses (a tensor that does not fit its shape)', async () => {
    const model = await tinyModel();
    try {
      const state = await model.getState();
      const [first, ...rest] = state.tensors;
      const broken = { ...state, tensors: [{ ...first!, data: new Float32Array(first!.data.length + 1) }, ...rest] };
      await expect(WorkerReplica.start(model.config, broken)).rejects.toThrow(/^Refused to send a malformed message to the train worker \(at state\.tensors\.0\.data: .* values for shape/);
    } finally {
      model.dispose();
    }
  });

  it('fails, never hangs, when the thread answers off-protocol', async () => {
    const model = await tinyModel();
    try {
      // The echo child greets with {type:'ready', transport}: no id, no backend.
      const env = { ...process.env, EADER_TRAIN_WORKER_ENTRY: join(appRoot(), 'src-main/testing/echo-child.ts') };
      await expect(WorkerReplica.start(model.config, await model.getState(), env)).rejects.toThrow(/^Refused a malformed message from the train worker \(at /);
    } finally {
      model.dispose();
    }
  });
});
