import { describe, expect, it } from 'vitest';
import { ApiError } from '@shared/envelope';
import { createDispatcher, type Handlers } from './dispatch';
import { createHandlers } from './handlers';
import { createDatasetSession } from '../services/dataset-session';
import { ExportService } from '../services/export-service';
import { MaskService } from '../services/mask-service';
import { ProjectSession } from '../services/project-session';

const datasets = createDatasetSession(() => {});
const projects = new ProjectSession(datasets, () => {});
const handlers = createHandlers({ transport: 'host', datasets, projects, masks: new MaskService(datasets, projects), exports: new ExportService(projects, () => {}) });

describe('dispatcher', () => {
  const dispatcher = createDispatcher(handlers);

  it('answers a valid call with an ok envelope', async () => {
    const result = await dispatcher.dispatch('app:ping', { sentAt: 42 });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toMatchObject({ sentAt: 42 });
  });

  it('refuses an unknown channel by name', async () => {
    const result = await dispatcher.dispatch('fs:delete-everything', {});
    expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'Unknown channel "fs:delete-everything".' } });
  });

  it('refuses a non-string channel and prototype keys', async () => {
    for (const channel of [42, null, { a: 1 }, '__proto__', 'constructor', 'toString']) {
      const result = await dispatcher.dispatch(channel, {});
      expect(result.ok ? 'ok' : result.error.code).toBe('UNKNOWN_CHANNEL');
    }
  });

  it('refuses a wrong input type with the field that is wrong', async () => {
    const result = await dispatcher.dispatch('app:ping', { sentAt: 'yesterday' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_INPUT');
      expect(result.error.message).toContain('sentAt');
    }
  });

  it('refuses unexpected extra fields', async () => {
    const result = await dispatcher.dispatch('app:ping', { sentAt: 1, path: '/etc/passwd' });
    expect(result.ok ? 'ok' : result.error.code).toBe('INVALID_INPUT');
  });

  it('refuses an oversized payload before validating it', async () => {
    const big = 'x'.repeat(2 << 20);
    const result = await dispatcher.dispatch('app:ping', { sentAt: 1, pad: big });
    expect(result.ok ? 'ok' : result.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('accepts typed arrays up to the channel limit and refuses beyond it', async () => {
    const small = await dispatcher.dispatch('app:echo-bytes', { bytes: new Uint8Array([1, 2, 3]) });
    expect(small).toMatchObject({ ok: true, value: { length: 3 } });
    const huge = await dispatcher.dispatch('app:echo-bytes', { bytes: new Uint8Array(9 << 20) });
    expect(huge.ok ? 'ok' : huge.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('passes an ApiError through and hides nothing else but the stack', async () => {
    const failing: Handlers = {
      ...handlers,
      'app:ping': () => {
        throw new ApiError('NOT_FOUND', 'No such run.');
      },
      'app:info': () => {
        throw new Error('disk on fire');
      },
    };
    const d = createDispatcher(failing);
    expect(await d.dispatch('app:ping', { sentAt: 1 })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No such run.' } });
    const internal = await d.dispatch('app:info', undefined);
    expect(internal).toEqual({ ok: false, error: { code: 'INTERNAL', message: '"app:info" failed: disk on fire' } });
  });

  it('refuses to send an answer that breaks the output schema', async () => {
    const broken = { ...handlers, 'app:ping': () => ({ sentAt: 'not a number', receivedAt: 1 }) } as unknown as Handlers;
    const result = await createDispatcher(broken).dispatch('app:ping', { sentAt: 1 });
    expect(result.ok ? 'ok' : result.error.code).toBe('INTERNAL');
  });

  it('answers app:info within the contract', async () => {
    const info = await dispatcher.dispatch('app:info', undefined);
    expect(info.ok).toBe(true);
    if (info.ok) expect(info.value).toMatchObject({ transport: 'host', project: null, backend: { preferred: expect.any(String) } });
  });
});
