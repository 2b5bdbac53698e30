/**
 * The parent's typed channel to one child (process or thread), over any transport: every message
 * is checked against the protocol's zod schemas in both directions. A malformed outgoing message
 * throws a ProtocolError and is not sent; a malformed incoming one is refused whole (never
 * delivered, never cast) and reported to `onRejected`. `exit` resolves once, however the child
 * ends (its own exit, a crash, a kill, a failed start), and never rejects: the client decides
 * what an exit without its final message means (crash → outcome).
 */
import type { z } from 'zod';
import { checkMessage, ProtocolError } from './protocol-error';

export interface ChildExit {
  code: number | null;
  signal: string | null;
  /** Why it ended, when the transport knows (an uncaught error in a thread, a failed spawn). */
  error: string | null;
  /** The parent called kill(). */
  killed: boolean;
}

/** What a launcher provides: untyped messages and one exit report. */
export interface ChildTransport {
  readonly pid: number | undefined;
  /** `transfer` moves ArrayBuffers (threads); process transports copy and ignore it. */
  post(message: unknown, transfer: readonly ArrayBuffer[]): void;
  onMessage(listener: (raw: unknown) => void): void;
  /** A message that arrived but could not be deserialised (threads), with why. */
  onMessageError?(listener: (detail: string) => void): void;
  /** Called once, when the child is gone. */
  onExit(listener: (exit: Omit<ChildExit, 'killed'>) => void): void;
  /** Hard kill: SIGKILL for a process, terminate() for a thread. */
  kill(): void;
}

export interface ChildChannel<ToChild, FromChild> {
  /** "trainer process", "train worker"…, for messages. */
  readonly title: string;
  /** The process id; undefined for a thread. */
  readonly pid: number | undefined;
  readonly exited: boolean;
  /** Validate and send; throws ProtocolError on a malformed message. Dropped once the child has exited. */
  send(message: ToChild, transfer?: readonly ArrayBuffer[]): void;
  /** Valid messages from the child. Returns the unsubscribe. */
  on(listener: (message: FromChild) => void): () => void;
  /** Messages from the child that failed validation. */
  onRejected(listener: (error: ProtocolError) => void): () => void;
  readonly exit: Promise<ChildExit>;
  kill(): void;
}

export interface ChannelSchemas<TC extends z.ZodType, FC extends z.ZodType> {
  toChild: TC;
  fromChild: FC;
}

/** Wrap a transport in the protocol's validation (launchers and test fakes alike). */
export function connectChild<TC extends z.ZodType, FC extends z.ZodType>(
  title: string,
  transport: ChildTransport,
  { toChild, fromChild }: ChannelSchemas<TC, FC>,
): ChildChannel<z.output<TC>, z.output<FC>> {
  const listeners = new Set<(message: z.output<FC>) => void>();
  const rejectedListeners = new Set<(error: ProtocolError) => void>();
  let exited = false;
  let killed = false;

  const reject = (error: ProtocolError): void => {
    if (rejectedListeners.size === 0) console.warn(error.message);
    for (const listener of rejectedListeners) listener(error);
  };
  transport.onMessage((raw) => {
    let message: z.output<FC>;
    try {
      message = checkMessage(fromChild, raw, title, 'from-child');
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return reject(error);
    }
    for (const listener of listeners) listener(message);
  });
  transport.onMessageError?.((detail) => reject(new ProtocolError(title, 'from-child', detail)));
  const exit = new Promise<ChildExit>((resolve) => {
    transport.onExit((report) => {
      if (exited) return;
      exited = true;
      resolve({ ...report, killed });
    });
  });

  return {
    title,
    get pid() {
      return transport.pid;
    },
    get exited() {
      return exited;
    },
    send(message, transfer = []) {
      checkMessage(toChild, message, title, 'to-child');
      if (!exited) transport.post(message, transfer);
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onRejected(listener) {
      rejectedListeners.add(listener);
      return () => rejectedListeners.delete(listener);
    },
    exit,
    kill() {
      if (exited) return;
      killed = true;
      transport.kill();
    },
  };
}

/** How a child ended, for an outcome message: "The trainer process was killed by SIGKILL". */
export function describeExit(title: string, exit: ChildExit): string {
  let how: string;
  if (exit.signal) how = `was killed by ${exit.signal}`;
  else if (exit.killed) how = 'was killed';
  else if (exit.error) how = `failed (${exit.error})`;
  else how = `exited with code ${String(exit.code)}`;
  return `The ${title} ${how}`;
}
