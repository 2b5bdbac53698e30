import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWorkbench } from './create-host';
import { connectClient } from '../testing/host-client';

type Host = Awaited<ReturnType<typeof serveWorkbench>>;

function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('host', () => {
  let host: Host;
  let wsUrl: string;

  beforeAll(async () => {
    const ui = mkdtempSync(join(tmpdir(), 'eader-ui-'));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>EADER</title>');
    host = await serveWorkbench({ rendererDir: ui, maxFrameBytes: 16 << 20, log: () => {} });
    wsUrl = `ws://127.0.0.1:${host.port}/ws?token=${host.token}`;
  });
  afterAll(async () => host.close());

  it('binds loopback and prints a URL that carries the token', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=${host.token}$`));
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the UI with a strict CSP and refuses paths outside it', async () => {
    const page = await httpGet(host.port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('EADER');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect((await httpGet(host.port, '/..%2f..%2fetc%2fpasswd')).status).toBe(403);
    expect((await httpGet(host.port, '/nope.js')).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await httpGet(host.port, '/', { Host: 'evil.example:80' })).status).toBe(421);
  });

  it('refuses a WebSocket with a missing or wrong token, then keeps serving', async () => {
    await expect(connectClient(`ws://127.0.0.1:${host.port}/ws`)).rejects.toThrow(/401/);
    await expect(connectClient(`ws://127.0.0.1:${host.port}/ws?token=wrong`)).rejects.toThrow(/401/);
    await expect(connectClient(wsUrl, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const client = await connectClient(wsUrl);
    expect(await client.call('app:ping', { sentAt: 5 })).toMatchObject({ ok: true, value: { sentAt: 5 } });
    client.close();
  });

  it('answers hostile calls with clear errors on the same socket', async () => {
    const client = await connectClient(wsUrl);
    expect(await client.call('shell:exec', { cmd: 'rm -rf /' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await client.call('app:ping', { sentAt: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await client.call('app:ping', { sentAt: 1, pad: 'x'.repeat(2 << 20) })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    client.sendRaw('{not json');
    expect(await client.next('error')).toMatchObject({ kind: 'error', error: { code: 'INVALID_INPUT' } });
    client.sendRaw(Buffer.from([1, 2, 3]), true);
    expect(await client.next('error')).toMatchObject({ kind: 'error', error: { code: 'INVALID_INPUT' } });
    expect(await client.call('app:ping', { sentAt: 7 })).toMatchObject({ ok: true });
    client.close();
  });

  it('closes only the socket that sends an over-limit frame; others keep working', async () => {
    const other = await connectClient(wsUrl);
    const flooder = await connectClient(wsUrl);
    const closed = new Promise<number>((resolve) => flooder.socket.once('close', (code) => resolve(code)));
    flooder.sendRaw('x'.repeat(17 << 20));
    expect(await closed).toBe(1009);
    expect(await other.call('app:ping', { sentAt: 9 })).toMatchObject({ ok: true });
    other.close();
  });

  it('carries binary payloads and pushes events', async () => {
    const client = await connectClient(wsUrl);
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
    const result = (await client.call('app:echo-bytes', { bytes })) as { ok: boolean; value: { length: number } };
    expect(result).toMatchObject({ ok: true, value: { length: 300_000 } });
    host.events.emit('app:notice', { level: 'info', message: 'hello' });
    expect(await client.next('event')).toEqual({ kind: 'event', event: 'app:notice', payload: { level: 'info', message: 'hello' } });
    client.close();
  });
});
