/** The WebSocket transport of the contract, for the browser host. Reconnects after a drop. */
import type { WorkbenchApi } from '@shared/api';
import type { Channel, ChannelInput, ChannelOutput } from '@shared/contract';
import type { Envelope } from '@shared/envelope';
import type { EventName, EventPayload } from '@shared/events';
import { decodeWire, encodeWire, type ServerMessage } from '@shared/wire';

type Pending = (result: Envelope<unknown>) => void;

export function createSocketApi(location: Pick<Location, 'protocol' | 'host' | 'search'>): WorkbenchApi {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let retryMs = 250;

  function connect(): void {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      for (const text of queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (event: MessageEvent<string>) => {
      const message = decodeWire(event.data) as ServerMessage;
      if (message.kind === 'result') {
        pending.get(message.id)?.(message.result as Envelope<unknown>);
        pending.delete(message.id);
      } else if (message.kind === 'event') {
        for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
      } else {
        console.warn(`host: ${message.error.code}: ${message.error.message}`);
      }
    };
    ws.onclose = () => {
      socket = null;
      for (const [id, resolve] of pending) {
        resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'Connection to the workbench host was lost.' } });
        pending.delete(id);
      }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }
  connect();

  return {
    transport: 'host',
    invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Envelope<ChannelOutput<C>>> {
      const id = nextId++;
      const text = encodeWire({ kind: 'call', id, channel, input });
      return new Promise((resolve) => {
        pending.set(id, resolve as Pending);
        if (socket?.readyState === WebSocket.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}
