/**
 * The Node host: serves the built UI and the typed contract over a WebSocket, so the workbench runs
 * in a browser — from this machine, or from a GPU box through an SSH tunnel.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { decodeWire, encodeWire, type ServerMessage } from '@shared/wire';
import type { Dispatcher } from '../api/dispatch';
import type { EventBus } from '../api/event-bus';
import { hostAllowed, originAllowed, tokenMatches } from './guards';
import { serveStatic } from './static-files';

export interface HostOptions {
  dispatcher: Dispatcher;
  events: EventBus;
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
  /** Extra Host header values to accept (e.g. a tunnel's name). */
  allowedHosts?: string[];
  /** Hard cap on one WebSocket frame; larger frames close that socket with code 1009. */
  maxFrameBytes?: number;
  log?: (line: string) => void;
}

export interface RunningHost {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

export const WS_PATH = '/ws';

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(encodeWire(message));
}

function reject(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const bindHost = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.log ?? (() => {});
  let port = options.port ?? 0;

  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, bindHost, port, options.allowedHosts)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request: unexpected Host header.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    void serveStatic(options.rendererDir, path, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 64 << 20 });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== WS_PATH) return reject(socket, 404, 'Not Found');
    if (!hostAllowed(req.headers.host, bindHost, port, options.allowedHosts)) return reject(socket, 421, 'Misdirected Request');
    if (!originAllowed(req.headers.origin, req.headers.host)) return reject(socket, 403, 'Forbidden origin');
    if (!tokenMatches(token, url.searchParams.get('token'))) return reject(socket, 401, 'Unauthorized: missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const detach = options.events.attach((event, payload) => send(ws, { kind: 'event', event, payload }));
    ws.on('close', detach);
    ws.on('error', (error) => log(`websocket error: ${error.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void handleMessage(ws, data, isBinary);
    });
  });

  async function handleMessage(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
    if (isBinary) {
      send(ws, { kind: 'error', error: { code: 'INVALID_INPUT', message: 'Binary frames are not calls; send JSON.' } });
      return;
    }
    let message: unknown;
    try {
      message = decodeWire(text);
    } catch {
      send(ws, { kind: 'error', error: { code: 'INVALID_INPUT', message: 'Malformed message: not JSON.' } });
      return;
    }
    const call = message as { kind?: unknown; id?: unknown; channel?: unknown; input?: unknown };
    if (call?.kind !== 'call' || typeof call.id !== 'number') {
      send(ws, { kind: 'error', error: { code: 'INVALID_INPUT', message: 'Malformed message: expected {kind:"call", id, channel, input}.' } });
      return;
    }
    const result = await options.dispatcher.dispatch(call.channel, call.input);
    send(ws, { kind: 'result', id: call.id, result });
  }

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, bindHost, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/?token=${token}`;

  return {
    url,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
