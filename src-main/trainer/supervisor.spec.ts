import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import type { TrainerMessage } from '@shared/trainer-protocol';
import { connectChild, type ChildTransport } from '../processes/channel';
import { ParentMessage, TrainerMessage as TrainerMessageSchema } from '@shared/trainer-protocol';
import { defaultTrainerLauncher } from './launch';
import { TrainerSupervisor, type TrainerChannel } from './supervisor';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eader-sup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TrainerSupervisor with a real trainer process', () => {
  it('reports a bad dataset as an error outcome with a code, and survives', async () => {
    const supervisor = new TrainerSupervisor(defaultTrainerLauncher(process.env, 'ignore'));
    const seen: TrainerMessage[] = [];
    supervisor.on((m) => seen.push(m));
    await supervisor.start({ config: { ...SMALL_TRAIN_CONFIG, backend: 'cpu' }, datasetRoot: join(dir, 'nope'), runDir: join(dir, 'run'), resume: false });
    const outcome = await supervisor.outcome;
    expect(seen[0]?.type).toBe('ready');
    expect(outcome).toMatchObject({ kind: 'error', code: 'BAD_DATA' });
    expect(supervisor.running).toBe(false);
  });

  it('turns a kill into a crashed outcome', async () => {
    const supervisor = new TrainerSupervisor(defaultTrainerLauncher(process.env, 'ignore'));
    supervisor.on((m) => {
      if (m.type === 'ready') supervisor.kill();
    });
    const outcome = await supervisor.outcome;
    expect(outcome).toMatchObject({ kind: 'crashed', signal: 'SIGKILL' });
  });
});

describe('TrainerSupervisor validation', () => {
  function fakeChannel(): { channel: TrainerChannel; emit: (raw: unknown) => void; exit: (code: number) => void; sent: unknown[] } {
    let onMessage: (raw: unknown) => void = () => undefined;
    let onExit: (e: { code: number | null; signal: string | null; error: string | null }) => void = () => undefined;
    const sent: unknown[] = [];
    const transport: ChildTransport = {
      pid: 1,
      post: (m) => sent.push(m),
      onMessage: (l) => (onMessage = l),
      onExit: (l) => (onExit = l),
      kill: () => onExit({ code: null, signal: 'SIGKILL', error: null }),
    };
    return {
      channel: connectChild('trainer process', transport, { toChild: ParentMessage, fromChild: TrainerMessageSchema }),
      emit: (raw) => onMessage(raw),
      exit: (code) => onExit({ code, signal: null, error: null }),
      sent,
    };
  }

  it('drops malformed reports (as a warning) and keeps the last error for the outcome', async () => {
    const fake = fakeChannel();
    const supervisor = new TrainerSupervisor(() => fake.channel);
    const seen: TrainerMessage[] = [];
    supervisor.on((m) => seen.push(m));
    fake.emit({ type: 'progress', step: 'three' });
    fake.emit({ type: 'error', code: 'OOM', message: 'OOM when allocating', step: 12 });
    fake.exit(3);
    expect(seen.map((m) => m.type)).toEqual(['log', 'error']);
    expect(seen[0]).toEqual({ type: 'log', level: 'warning', message: expect.stringMatching(/^Refused a malformed message from the trainer process \(at step: /) });
    expect(await supervisor.outcome).toEqual({ kind: 'error', code: 'OOM', message: 'OOM when allocating', step: 12 });
  });

  it('never sends a start the protocol refuses: the trainer is killed and the outcome names the field', async () => {
    const fake = fakeChannel();
    const supervisor = new TrainerSupervisor(() => fake.channel);
    const started = supervisor.start({ config: { ...SMALL_TRAIN_CONFIG, batchSize: 0 }, datasetRoot: '/d', runDir: '/r', resume: false });
    fake.emit({ type: 'ready', protocol: 1, pid: 1 });
    await expect(started).rejects.toThrow(/^Refused to send a malformed message to the trainer process \(at config\.batchSize: /);
    expect(fake.sent).toEqual([]);
    expect(await supervisor.outcome).toEqual({ kind: 'error', code: 'PROTOCOL', message: expect.stringMatching(/config\.batchSize/), step: null });
  });

  it('sends start only after ready, and nothing after exit', async () => {
    const fake = fakeChannel();
    const supervisor = new TrainerSupervisor(() => fake.channel);
    const started = supervisor.start({ config: SMALL_TRAIN_CONFIG, datasetRoot: '/d', runDir: '/r', resume: false });
    supervisor.pause();
    expect(fake.sent).toEqual([{ type: 'pause' }]);
    fake.emit({ type: 'ready', protocol: 1, pid: 1 });
    await started;
    expect(fake.sent[1]).toMatchObject({ type: 'start', runDir: '/r' });
    fake.exit(0);
    supervisor.stop();
    expect(fake.sent).toHaveLength(2);
    expect(await supervisor.outcome).toMatchObject({ kind: 'crashed', exitCode: 0 });
  });
});
