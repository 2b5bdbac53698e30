/** A small WebSocket client of the host's protocol, for tests and scripts (not shipped to the UI). */
import WebSocket from 'ws';
import { decodeWire, encodeWire, type ServerMessage } from '@shared/wire';

export interface TestClient {
  socket: WebSocket;
  call(channel: string, input: unknown): Promise<unknown>;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  next(kind: ServerMessage['kind']): Promise<ServerMessage>;
  close(): void;
}

export async function connectClient(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
  const socket = new WebSocket(url, { headers });
  const inbox: ServerMessage[] = [];
  const waiters: { kind: ServerMessage['kind']; resolve: (m: ServerMessage) => void }[] = [];
  socket.on('message', (data) => {
    const message = decodeWire(String(data)) as ServerMessage;
    const i = waiters.findIndex((w) => w.kind === message.kind);
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(message);
    else inbox.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  let nextId = 1;
  const next = (kind: ServerMessage['kind']): Promise<ServerMessage> => {
    const i = inbox.findIndex((m) => m.kind === kind);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as ServerMessage);
    return new Promise((resolve) => waiters.push({ kind, resolve }));
  };
  return {
    socket,
    async call(channel, input) {
      const id = nextId++;
      socket.send(encodeWire({ kind: 'call', id, channel, input }));
      for (;;) {
        const message = await next('result');
        if (message.kind === 'result' && message.id === id) return message.result;
      }
    },
    sendRaw: (data, binary = false) => socket.send(data, { binary }),
    next,
    close: () => socket.close(),
  };
}
