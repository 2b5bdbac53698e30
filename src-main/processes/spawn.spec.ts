import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { appRoot } from '../platform/paths';
import { ECHO_TITLE, FromEcho, ToEcho } from '../testing/echo-child';
import { connectChild, describeExit, type ChildChannel } from './channel';
import { ProtocolError } from './protocol-error';
import { spawnChild, type SpawnKind } from './spawn';
import { forkTransport, threadTransport, type UtilityChildLike, type UtilityProcessLike } from './transports';

type Echo = ChildChannel<z.output<typeof ToEcho>, z.output<typeof FromEcho>>;

const entry = { title: ECHO_TITLE, path: join(appRoot(), 'src-main/testing/echo-child.ts'), typescript: true };
const schemas = { toChild: ToEcho, fromChild: FromEcho };
const started: Echo[] = [];

function start(kind: SpawnKind): Echo {
  const channel = spawnChild({ entry, ...kind, ...schemas, stdio: 'ignore' });
  started.push(channel);
  return channel;
}

function next(channel: Echo, type: z.output<typeof FromEcho>['type']): Promise<z.output<typeof FromEcho>> {
  return new Promise((resolve) => {
    const off = channel.on((message) => {
      if (message.type !== type) return;
      off();
      resolve(message);
    });
  });
}

afterEach(() => {
  for (const channel of started.splice(0)) channel.kill();
});

describe.each([['fork' as const], ['thread' as const]])('spawnChild, kind %s, from the sources', (kind) => {
  it('round-trips typed messages (bytes stay a Uint8Array) and refuses malformed ones both ways', async () => {
    const child = start({ kind });
    expect(await next(child, 'ready')).toEqual({ type: 'ready', transport: kind });
    const bytes = new Uint8Array([137, 80, 78, 71]);
    child.send({ type: 'echo', n: 7, bytes });
    const echoed = await next(child, 'echo');
    expect(echoed).toEqual({ type: 'echo', n: 7, bytes });
    expect(echoed.type === 'echo' && echoed.bytes instanceof Uint8Array).toBe(true);

    // parent → child, caught before it leaves
    expect(() => child.send({ type: 'echo', n: 'seven' } as never)).toThrow(ProtocolError);
    expect(() => child.send({ type: 'launch' } as never)).toThrow(/^Refused to send a malformed message to the echo child \(at type: /);
    // child → parent: the child's own send is refused there
    child.send({ type: 'send-malformed' });
    expect(await next(child, 'refused')).toEqual({ type: 'refused', message: expect.stringMatching(/^The echo child refused to send a malformed message to its parent \(at n: .*expected number/) });
    // child → parent, past the child's check: refused here, never delivered
    const rejected = new Promise<ProtocolError>((resolve) => child.onRejected(resolve));
    const delivered: unknown[] = [];
    child.on((m) => delivered.push(m));
    child.send({ type: 'post-raw-malformed' });
    const error = await rejected;
    expect(error.message).toMatch(/^Refused a malformed message from the echo child \(at n: .*expected number/);
    expect(error).toMatchObject({ peer: ECHO_TITLE, direction: 'from-child' });
    child.send({ type: 'echo', n: 8 });
    await next(child, 'echo');
    expect(delivered).toEqual([{ type: 'echo', n: 8 }]);
  });

  it('refuses a malformed message from the parent in the child', async () => {
    const transport = kind === 'fork' ? forkTransport(entry, process.env, 'ignore') : threadTransport(entry, process.env);
    const child = connectChild(ECHO_TITLE, transport, schemas);
    started.push(child);
    await next(child, 'ready');
    transport.post({ type: 'echo', n: 1, extra: true }, []);
    expect(await next(child, 'refused')).toEqual({ type: 'refused', message: expect.stringMatching(/^The echo child refused a malformed message from its parent/) });
  });

  it('reports an exit without a final message, a kill and an uncaught error as the exit', async () => {
    const exiting = start({ kind });
    await next(exiting, 'ready');
    exiting.send({ type: 'exit', code: 3 });
    const exit = await exiting.exit;
    expect(exit).toEqual({ code: 3, signal: null, error: null, killed: false });
    expect(describeExit(ECHO_TITLE, exit)).toBe('The echo child exited with code 3');
    expect(exiting.exited).toBe(true);
    expect(() => exiting.send({ type: 'echo', n: 1 })).not.toThrow(); // dropped, the child is gone

    const killed = start({ kind });
    await next(killed, 'ready');
    killed.kill();
    const killedExit = await killed.exit;
    expect(killedExit.killed).toBe(true);
    if (kind === 'fork') expect(killedExit).toMatchObject({ signal: 'SIGKILL' });
    expect(describeExit(ECHO_TITLE, killedExit)).toMatch(/^The echo child was killed( by SIGKILL)?$/);

    const throwing = start({ kind });
    await next(throwing, 'ready');
    throwing.send({ type: 'throw', message: 'boom at step 4' });
    const thrown = await throwing.exit;
    expect(thrown.code).not.toBe(0);
    if (kind === 'thread') expect(thrown.error).toBe('boom at step 4');
  });
});

describe('spawnChild, failures to start', () => {
  it('a missing entry becomes an exit, not a hang', async () => {
    const missing = spawnChild({ entry: { ...entry, path: join(appRoot(), 'src-main/testing/no-such-child.ts') }, kind: 'fork', ...schemas, stdio: 'ignore' });
    expect((await missing.exit).code).toBe(1);
  });
});

describe('spawnChild, kind utility (a scripted utilityProcess: no Electron binary here)', () => {
  function scriptedUtility(): { utility: UtilityProcessLike; forks: { path: string; options: unknown }[]; child: { emit(m: unknown): void; exit(code: number): void; posted: unknown[] } } {
    const forks: { path: string; options: unknown }[] = [];
    let onMessage: (m: unknown) => void = () => undefined;
    let onExit: (code: number) => void = () => undefined;
    const posted: unknown[] = [];
    const utilityChild: UtilityChildLike = {
      pid: 99,
      postMessage: (m) => posted.push(m),
      on: ((event: 'message' | 'exit', listener: (x: never) => void) => {
        if (event === 'message') onMessage = listener as (m: unknown) => void;
        else onExit = listener as (code: number) => void;
      }) as UtilityChildLike['on'],
      kill: () => {
        onExit(15);
        return true;
      },
    };
    return {
      utility: {
        fork: (path, _args, options) => {
          forks.push({ path, options });
          return utilityChild;
        },
      },
      forks,
      child: { emit: (m) => onMessage(m), exit: (code) => onExit(code), posted },
    };
  }

  it('forks the entry with the loader for a TS source, and validates as the other kinds do', async () => {
    const { utility, forks, child } = scriptedUtility();
    const channel = spawnChild({ entry, kind: 'utility', utilityProcess: utility, ...schemas, env: { HOME: '/h' } });
    expect(forks).toEqual([
      { path: entry.path, options: { serviceName: 'EADER echo child', stdio: 'inherit', env: { HOME: '/h', TSX_TSCONFIG_PATH: join(appRoot(), 'tsconfig.base.json') }, execArgv: ['--import', 'tsx'] } },
    ]);
    const seen: unknown[] = [];
    const refused: string[] = [];
    channel.on((m) => seen.push(m));
    channel.onRejected((e) => refused.push(e.message));
    child.emit({ type: 'ready', transport: 'utility' });
    child.emit({ type: 'ready', transport: 'carrier pigeon' });
    channel.send({ type: 'echo', n: 2 });
    expect(seen).toEqual([{ type: 'ready', transport: 'utility' }]);
    expect(refused).toEqual([expect.stringMatching(/^Refused a malformed message from the echo child \(at transport: /)]);
    expect(child.posted).toEqual([{ type: 'echo', n: 2 }]);
    expect(channel.pid).toBe(99);
    child.exit(134);
    expect(await channel.exit).toEqual({ code: 134, signal: null, error: null, killed: false });
  });
});
