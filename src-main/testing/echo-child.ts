/**
 * A small child for the process toolkit's specs (processes/*.spec.ts): started as a forked process
 * or a worker thread, it echoes, exits, throws, and sends or reports malformed messages on request.
 */
import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { serveParent } from '../processes/serve-parent';

export const ECHO_TITLE = 'echo child';

export const ToEcho = z.discriminatedUnion('type', [
  z.object({ type: z.literal('echo'), n: z.number(), bytes: z.instanceof(Uint8Array).optional() }).strict(),
  /** Exit with this code (no final message). */
  z.object({ type: z.literal('exit'), code: z.number().int() }).strict(),
  /** Throw an uncaught error. */
  z.object({ type: z.literal('throw'), message: z.string() }).strict(),
  /** Try to send a malformed echo through serveParent; report the refusal. */
  z.object({ type: z.literal('send-malformed') }).strict(),
  /** Post a malformed echo past the validation (the raw port), for the parent to refuse. */
  z.object({ type: z.literal('post-raw-malformed') }).strict(),
]);

export const FromEcho = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), transport: z.enum(['thread', 'utility', 'fork']) }).strict(),
  z.object({ type: z.literal('echo'), n: z.number(), bytes: z.instanceof(Uint8Array).optional() }).strict(),
  /** What the child refused: a malformed message from the parent, or its own malformed send. */
  z.object({ type: z.literal('refused'), message: z.string() }).strict(),
]);

const MALFORMED = { type: 'echo', n: 'not a number' };

function main(): void {
  const port = serveParent(ECHO_TITLE, { toChild: ToEcho, fromChild: FromEcho });
  port.onRejected((error) => port.send({ type: 'refused', message: error.message }));
  port.onDisconnect(() => process.exit(0));
  port.on((message) => {
    switch (message.type) {
      case 'echo':
        port.send(message.bytes ? { type: 'echo', n: message.n, bytes: message.bytes } : { type: 'echo', n: message.n });
        return;
      case 'exit':
        process.exit(message.code);
        return;
      case 'throw':
        setImmediate(() => {
          throw new Error(message.message);
        });
        return;
      case 'send-malformed':
        try {
          port.send(MALFORMED as never);
        } catch (error) {
          port.send({ type: 'refused', message: (error as Error).message });
        }
        return;
      case 'post-raw-malformed':
        if (parentPort) parentPort.postMessage(MALFORMED);
        else process.send?.(MALFORMED);
        return;
    }
  });
  port.send({ type: 'ready', transport: port.transport });
}

main();
