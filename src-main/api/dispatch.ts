/**
 * The one dispatcher both transports use: channel allowlist, size bound, zod validation, and the
 * {ok,value}|{ok:false,error} envelope. Services throw ApiError for expected failures.
 */
import { z } from 'zod';
import { contract, isChannel, DEFAULT_MAX_INPUT_BYTES, type Channel, type ChannelInput, type ChannelOutput } from '@shared/contract';
import { ApiError, errorText, fail, ok, type Envelope } from '@shared/envelope';
import { payloadSize } from './payload-size';

export type Handler<C extends Channel> = (input: z.output<(typeof contract)[C]['input']>) => Promise<ChannelOutput<C>> | ChannelOutput<C>;
export type Handlers = { [C in Channel]: Handler<C> };

export interface Dispatcher {
  dispatch(channel: unknown, input: unknown, rawBytes?: number): Promise<Envelope<unknown>>;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
}

export function createDispatcher(handlers: Handlers, log: (msg: string) => void = () => {}): Dispatcher {
  return {
    async dispatch(channel, input, rawBytes) {
      if (!isChannel(channel)) {
        const name = typeof channel === 'string' ? channel.slice(0, 80) : typeof channel;
        return fail('UNKNOWN_CHANNEL', `Unknown channel "${name}".`);
      }
      const spec = contract[channel];
      const limit = 'maxInputBytes' in spec && typeof spec.maxInputBytes === 'number' ? spec.maxInputBytes : DEFAULT_MAX_INPUT_BYTES;
      const size = rawBytes ?? payloadSize(input, limit);
      if (size > limit) {
        return fail('PAYLOAD_TOO_LARGE', `Input to "${channel}" is ${size} bytes; the limit is ${limit}.`);
      }
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) {
        return fail('INVALID_INPUT', `Invalid input to "${channel}": ${describeIssues(parsed.error)}`);
      }
      try {
        const handler = handlers[channel] as (i: unknown) => unknown;
        const value = await handler(parsed.data);
        const checked = spec.output.safeParse(value);
        if (!checked.success) {
          log(`handler for ${channel} answered outside its contract: ${describeIssues(checked.error)}`);
          return fail('INTERNAL', `"${channel}" produced an invalid answer: ${describeIssues(checked.error)}`);
        }
        return ok(checked.data as ChannelOutput<typeof channel>);
      } catch (error) {
        if (error instanceof ApiError) return fail(error.code, error.message);
        const message = errorText(error);
        log(`handler for ${channel} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
        return fail('INTERNAL', `"${channel}" failed: ${message}`);
      }
    },
  };
}

export type { ChannelInput };
