/**
 * Per-connection backpressure (issue 16 §2): a client that sends calls and stops reading their
 * results makes the host stop reading from it (bounded memory, calls kept in order, nothing lost),
 * while another client's ping stays fast; over the hard bound that connection alone is closed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '@shared/envelope';
import { encodeWire, type ServerMessage } from '@shared/wire';
import type { Dispatcher } from '../api/dispatch';
import { EventBus } from '../api/event-bus';
import { connectClient } from '../testing/host-client';
import { MAX_FRAME_BYTES, startHost, type RunningHost } from './server';

const BIG = 'x'.repeat(1 << 19); // each answer to "big" is 512 KiB

function dispatcher(counter: { calls: number }): Dispatcher {
  return {
    dispatch(channel) {
      if (channel === 'test:big') counter.calls++;
      return Promise.resolve(ok(channel === 'test:big' ? BIG : { receivedAt: Date.now() }));
    },
  };
}

let host: RunningHost | null = null;
afterEach(async () => {
  await host?.close();
  host = null;
});

async function start(counter: { calls: number }, bounds: { maxBufferedBytes?: number; hardBufferedBytes?: number } = {}): Promise<{ url: string; events: EventBus }> {
  const events = new EventBus();
  host = await startHost({ dispatcher: dispatcher(counter), events, rendererDir: mkdtempSync(join(tmpdir(), 'eader-ui-')), log: () => {}, maxBufferedBytes: 4 << 20, ...bounds });
  return { url: `ws://127.0.0.1:${host.port}/ws?token=${host.token}`, events };
}

describe('host backpressure', () => {
  it('stops working for a client that stops reading, keeps another client fast, and loses nothing', async () => {
    const counter = { calls: 0 };
    const { url, events } = await start(counter);
    const flooder = await connectClient(url);
    const other = await connectClient(url);
    flooder.socket.pause(); // reads nothing from now on
    const results: number[] = [];
    flooder.socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as ServerMessage;
      if (m.kind === 'result') results.push(m.id);
    });
    const total = 200;
    for (let id = 1; id <= total; id++) flooder.socket.send(encodeWire({ kind: 'call', id, channel: 'test:big', input: null }));
    await new Promise((resolve) => setTimeout(resolve, 800));
    // Without backpressure all 200 answers (100 MiB) would sit in the host's memory by now.
    expect(counter.calls).toBeLessThan(80);
    for (let i = 0; i < 200; i++) events.emit('app:notice', { level: 'info', message: 'x'.repeat(10_000) });
    const rtts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const sent = Date.now();
      expect(await other.call('app:ping', { sentAt: sent })).toMatchObject({ ok: true });
      rtts.push(Date.now() - sent);
    }
    expect(Math.max(...rtts)).toBeLessThan(500);
    // The flooder reads again: every call is answered, in order.
    flooder.socket.resume();
    await expect.poll(() => results.length, { timeout: 30_000 }).toBe(total);
    expect(results).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(counter.calls).toBe(total);
    flooder.close();
    other.close();
  });

  it('drops only the connection whose unread data passes the hard bound', async () => {
    const counter = { calls: 0 };
    const { url, events } = await start(counter, { maxBufferedBytes: 64 << 20, hardBufferedBytes: 8 << 20 });
    const slow = await connectClient(url);
    const other = await connectClient(url);
    slow.socket.pause();
    const closed = new Promise<number>((resolve) => slow.socket.once('close', (code) => resolve(code)));
    for (let id = 1; id <= 60; id++) slow.socket.send(encodeWire({ kind: 'call', id, channel: 'test:big', input: null }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    events.emit('app:notice', { level: 'info', message: 'hello' });
    expect(await other.next('event')).toMatchObject({ kind: 'event', event: 'app:notice' });
    expect(await other.call('app:ping', { sentAt: 1 })).toMatchObject({ ok: true });
    slow.socket.resume();
    expect(await closed).toBe(1006); // terminated, no close handshake with a client that does not read
    expect(await other.call('app:ping', { sentAt: 2 })).toMatchObject({ ok: true });
    other.close();
  });

  it('refuses a frame larger than any call the contract allows, before parsing it', () => {
    expect(MAX_FRAME_BYTES).toBeGreaterThan((40 << 20) * (4 / 3));
    expect(MAX_FRAME_BYTES).toBeLessThan(64 << 20);
  });
});
