/**
 * A bad setting is refused before anything is created (issue 16 §3): `--image-size 1…15` used to
 * pass every check, create the run folder, then fail in the trainer on every start and resume.
 * `eader train` refuses it in configFromFlags (cli/train-options.spec.ts); here: training:start,
 * the trainer process's session and the in-process loop.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TrainConfig } from '@shared/domain/train-config';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import { ParentMessage, type TrainerMessage } from '@shared/trainer-protocol';
import { checkMessage, ProtocolError } from '../processes/protocol-error';
import { createDispatcher, type Handlers } from '../api/dispatch';
import { ConfigError } from '../engine/settings';
import type { EngineFactory } from './engine-port';
import { runTraining } from './loop';
import { RunControl } from './run-control';
import { classifyError, startSession } from './session';

const BAD: TrainConfig[] = [
  { ...SMALL_TRAIN_CONFIG, imageSize: 8 }, // under every backbone's minimum
  { ...SMALL_TRAIN_CONFIG, backbone: 'resnet18', imageSize: 32 }, // fine for tiny, under 2×2 cells for a ResNet
];
const noEngine: EngineFactory = () => Promise.reject(new Error('no engine may be built for a bad config'));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eader-bad-config-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('a bad training config', () => {
  it('is refused by training:start before the training service is called', async () => {
    let called = false;
    const dispatcher = createDispatcher({ 'training:start': () => ((called = true), Promise.reject(new Error('unreachable'))) } as unknown as Handlers);
    for (const config of BAD) {
      const result = await dispatcher.dispatch('training:start', { config, preset: 'quick' });
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(!result.ok && result.error.message).toMatch(/config\.imageSize: must be at least (16|64)/);
    }
    expect(called).toBe(false);
  });

  it('is refused by the trainer session with BAD_CONFIG, and the session ends', () => {
    for (const config of BAD) {
      const sent: TrainerMessage[] = [];
      let deliver: (message: ParentMessage) => void = () => undefined;
      let refuse: (error: ProtocolError, raw: unknown) => void = () => undefined;
      let exitCode: number | null = null;
      // The port validates as the trainer's serveParent does (processes/serve-parent.ts).
      startSession({ send: (m) => sent.push(m), on: (l) => (deliver = l), onRejected: (l) => (refuse = l) }, noEngine, (code) => (exitCode = code));
      const listener = (raw: unknown): void => {
        try {
          deliver(checkMessage(ParentMessage, raw, 'trainer process', 'from-parent'));
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
          refuse(error, raw);
        }
      };
      const runDir = join(dir, 'run');
      listener({ type: 'start', config, datasetRoot: dir, runDir, resume: false });
      expect(sent).toEqual([{ type: 'error', code: 'BAD_CONFIG', message: expect.stringMatching(/^Refused the start command \(at config\.imageSize: must be at least/) as unknown, step: null }]);
      expect(exitCode).toBe(2);
      expect(existsSync(runDir)).toBe(false);
    }
  });

  it('is refused by the training loop itself (in process) with a ConfigError, before the run folder exists', async () => {
    for (const config of BAD) {
      const runDir = join(dir, 'run');
      const error: unknown = await runTraining({ type: 'start', config, datasetRoot: dir, runDir, resume: false }, { emit: () => undefined, control: new RunControl() }, noEngine).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(classifyError(error)).toEqual({ code: 'BAD_CONFIG', message: expect.stringContaining('imageSize must be at least') as unknown });
      expect(existsSync(runDir)).toBe(false);
    }
  });
});
