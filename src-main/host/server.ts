/**
 * The Node host: serves the built UI and the typed contract over a WebSocket, so the workbench runs
 * in a browser — from this machine, or from a GPU box through an SSH tunnel.
 *
 * Each connection is bounded (docs/reliability.md): at most `maxCallsInFlight` calls run at once;
 * while that many run, or while more than `maxBufferedBytes` wait unsent in the socket, the socket is
 * paused (TCP pushes back on the client) and its next calls wait in order. Events are dropped for a
 * connection over the bound, and one that goes past `hardBufferedBytes` is dropped (terminated). So a client
 * that stops reading costs a bounded amount of memory and never slows the others. Frames larger than
 * the largest call the contract allows (base64 included) are refused before they are parsed.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { contract, DEFAULT_MAX_INPUT_BYTES } from '@shared/contract';
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
  /** Hard cap on one WebSocket frame; larger frames close that socket with code 1009 (default: MAX_FRAME_BYTES). */
  maxFrameBytes?: number;
  /** Calls of one connection that run at once (default 8). */
  maxCallsInFlight?: number;
  /** Unsent bytes of one connection above which its reading pauses and its events are dropped (default 16 MiB). */
  maxBufferedBytes?: number;
  /** Unsent bytes above which the connection is closed (default 256 MiB). */
  hardBufferedBytes?: number;
  log?: (line: string) => void;
}

/**
 * The largest frame a valid call can need: the largest input the contract allows, as base64 (4/3),
 * plus room for the envelope. Anything larger is refused by ws before it is buffered whole.
 */
export const MAX_FRAME_BYTES =
  Math.ceil((Math.max(DEFAULT_MAX_INPUT_BYTES, ...Object.values(contract).map((spec) => ('maxInputBytes' in spec && typeof spec.maxInputBytes === 'number' ? spec.maxInputBytes : 0))) * 4) / 3) + (1 << 20);

export interface RunningHost {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

export const WS_PATH = '/ws';

function send(socket: WebSocket, message: ServerMessage, hardLimit: number): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.send(encodeWire(message));
  if (socket.bufferedAmount > hardLimit) socket.terminate(); // it is not reading: a close handshake would wait for it too
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

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? MAX_FRAME_BYTES });
  const maxInFlight = options.maxCallsInFlight ?? 8;
  const maxBuffered = options.maxBufferedBytes ?? 16 << 20;
  const hardBuffered = options.hardBufferedBytes ?? 256 << 20;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== WS_PATH) return reject(socket, 404, 'Not Found');
    if (!hostAllowed(req.headers.host, bindHost, port, options.allowedHosts)) return reject(socket, 421, 'Misdirected Request');
    if (!originAllowed(req.headers.origin, req.headers.host)) return reject(socket, 403, 'Forbidden origin');
    if (!tokenMatches(token, url.searchParams.get('token'))) return reject(socket, 401, 'Unauthorized: missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const queue: { data: RawData; isBinary: boolean }[] = [];
    let inFlight = 0;
    let paused = false;
    let drainTimer: ReturnType<typeof setTimeout> | null = null;
    const reply = (message: ServerMessage): void => send(ws, message, hardBuffered);
    // Start queued calls while the connection is under its bounds; pause reading while it is not.
    const pump = (): void => {
      while (queue.length > 0 && inFlight < maxInFlight && ws.bufferedAmount <= maxBuffered) {
        const next = queue.shift()!;
        inFlight++;
        void handleMessage(reply, next.data, next.isBinary).finally(() => {
          inFlight--;
          pump();
        });
      }
      const blocked = queue.length > 0 || inFlight >= maxInFlight || ws.bufferedAmount > maxBuffered;
      if (blocked !== paused && ws.readyState === ws.OPEN) {
        paused = blocked;
        if (blocked) ws.pause();
        else ws.resume();
      }
      // ws has no drain event: look again shortly while unsent bytes hold the connection back.
      if (ws.bufferedAmount > maxBuffered && drainTimer === null && ws.readyState === ws.OPEN) {
        drainTimer = setTimeout(() => {
          drainTimer = null;
          pump();
        }, 20);
      }
    };
    const detach = options.events.attach((event, payload) => {
      if (ws.bufferedAmount > maxBuffered) return; // a client that does not read misses events, nobody else does
      reply({ kind: 'event', event, payload });
    });
    ws.on('close', () => {
      detach();
      queue.length = 0;
      if (drainTimer) clearTimeout(drainTimer);
    });
    ws.on('error', (error) => log(`websocket error: ${error.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      queue.push({ data, isBinary });
      pump();
    });
  });

  async function handleMessage(reply: (message: ServerMessage) => void, data: RawData, isBinary: boolean): Promise<void> {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
    if (isBinary) {
      reply({ kind: 'error', error: { code: 'INVALID_INPUT', message: 'Binary frames are not calls; send JSON.' } });
      return;
    }
    let message: unknown;
    try {
      message = decodeWire(text);
    } catch {
      reply({ kind: 'error', error: { code: 'INVALID_INPUT', message: 'Malformed message: not JSON.' } });
      return;
    }
    const call = message as { kind?: unknown; id?: unknown; channel?: unknown; input?: unknown };
    if (call?.kind !== 'call' || typeof call.id !== 'number') {
      reply({ kind: 'error', error: { code: 'INVALID_INPUT', message: 'Malformed message: expected {kind:"call", id, channel, input}.' } });
      return;
    }
    const result = await options.dispatcher.dispatch(call.channel, call.input);
    reply({ kind: 'result', id: call.id, result });
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
