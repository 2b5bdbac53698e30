/**
 * The child's side of a ChildChannel: finds how it was started (a worker thread's parentPort,
 * Electron's process.parentPort in a utilityProcess, or process.send in a forked Node process)
 * and validates both directions with the same schemas as the parent. A malformed message from
 * the parent is refused and reported to `onRejected`; sending a malformed one throws.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import type { z } from 'zod';
import type { ChannelSchemas } from './channel';
import { checkMessage, ProtocolError } from './protocol-error';

export interface ParentChannel<ToChild, FromChild> {
  readonly transport: 'thread' | 'utility' | 'fork';
  /** Validate and send; throws ProtocolError on a malformed message. */
  send(message: FromChild, transfer?: readonly ArrayBuffer[]): void;
  on(listener: (message: ToChild) => void): () => void;
  /** A refused message from the parent, and what arrived (undefined when it could not be deserialised). */
  onRejected(listener: (error: ProtocolError, raw: unknown) => void): () => void;
  /** The parent went away (a forked child's IPC channel closed). Threads and utility processes end with their parent. */
  onDisconnect(listener: () => void): void;
  /** Done: let the messages sent so far go out, then end the connection, so the child can exit. */
  close(): void;
}

interface RawPort {
  transport: ParentChannel<unknown, unknown>['transport'];
  post(message: unknown, transfer: readonly ArrayBuffer[]): void;
  onMessage(listener: (raw: unknown) => void): void;
  onMessageError(listener: (detail: string) => void): void;
  onDisconnect(listener: () => void): void;
  close(): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function rawPort(title: string): RawPort {
  const threadPort = isMainThread ? null : parentPort;
  if (threadPort) {
    return {
      transport: 'thread',
      post: (message, transfer) => threadPort.postMessage(message, [...transfer]),
      onMessage: (listener) => threadPort.on('message', listener),
      onMessageError: (listener) => threadPort.on('messageerror', (error) => listener(`could not be deserialised: ${error.message}`)),
      onDisconnect: () => undefined,
      close: () => threadPort.close(),
    };
  }
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      transport: 'utility',
      post: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
      onMessageError: () => undefined,
      onDisconnect: () => undefined,
      // A utility process has no channel to close: give the last postMessage a moment, then exit.
      close: () => void setTimeout(() => process.exit(0), 100),
    };
  }
  if (typeof process.send === 'function') {
    return {
      transport: 'fork',
      post: (message) => {
        if (process.connected) process.send?.(message);
      },
      onMessage: (listener) => process.on('message', listener),
      onMessageError: () => undefined,
      onDisconnect: (listener) => process.on('disconnect', listener),
      // Queued messages are flushed before the channel closes.
      close: () => process.disconnect?.(),
    };
  }
  throw new Error(`The ${title} runs as a child: start it with spawnChild (child_process.fork, an Electron utilityProcess or a worker thread).`);
}

export function serveParent<TC extends z.ZodType, FC extends z.ZodType>(title: string, { toChild, fromChild }: ChannelSchemas<TC, FC>): ParentChannel<z.output<TC>, z.output<FC>> {
  const port = rawPort(title);
  const listeners = new Set<(message: z.output<TC>) => void>();
  const rejectedListeners = new Set<(error: ProtocolError, raw: unknown) => void>();
  const reject = (error: ProtocolError, raw?: unknown): void => {
    if (rejectedListeners.size === 0) console.warn(error.message);
    for (const listener of rejectedListeners) listener(error, raw);
  };
  port.onMessage((raw) => {
    let message: z.output<TC>;
    try {
      message = checkMessage(toChild, raw, title, 'from-parent');
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return reject(error, raw);
    }
    for (const listener of listeners) listener(message);
  });
  port.onMessageError((detail) => reject(new ProtocolError(title, 'from-parent', detail)));
  return {
    transport: port.transport,
    send(message, transfer = []) {
      checkMessage(fromChild, message, title, 'to-parent');
      port.post(message, transfer);
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onRejected(listener) {
      rejectedListeners.add(listener);
      return () => rejectedListeners.delete(listener);
    },
    onDisconnect: (listener) => port.onDisconnect(listener),
    close: () => port.close(),
  };
}
