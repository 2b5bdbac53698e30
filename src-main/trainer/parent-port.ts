/**
 * The trainer's side of the channel: Electron's `process.parentPort` in a utilityProcess, or
 * `process.send` in a Node child process. Both carry structured clones (the Node parent forks
 * with `serialization: 'advanced'`).
 */
import type { TrainerMessage } from '@shared/trainer-protocol';

export interface ParentPort {
  readonly kind: 'electron' | 'node';
  send(message: TrainerMessage): void;
  onMessage(listener: (raw: unknown) => void): void;
  /** Called when the parent goes away (the trainer should then exit). */
  onDisconnect(listener: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function connectParent(): ParentPort {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      kind: 'electron',
      send: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
      // A utilityProcess is ended by Electron together with its parent.
      onDisconnect: () => undefined,
    };
  }
  if (typeof process.send === 'function') {
    return {
      kind: 'node',
      send: (message) => {
        if (process.connected) process.send?.(message);
      },
      onMessage: (listener) => process.on('message', listener),
      onDisconnect: (listener) => process.on('disconnect', listener),
    };
  }
  throw new Error('The trainer runs as a child process: start it with child_process.fork or Electron utilityProcess.');
}
