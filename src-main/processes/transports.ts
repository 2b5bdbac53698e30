/**
 * The three ways to start a child, each as a ChildTransport (untyped; channel.ts adds the
 * protocol): a Node child process (`child_process.fork`), an Electron utilityProcess (given by
 * the app: nothing here imports electron) and a `worker_threads` thread. A TypeScript entry
 * (tests, tsx) runs through tsx's loader in all three.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { appRoot } from '../platform/paths';
import type { ChildExit, ChildTransport } from './channel';
import { tsconfigPath, type ResolvedEntry } from './resolve-entry';

type ExitReport = Omit<ChildExit, 'killed'>;
export type ChildStdio = 'inherit' | 'ignore';

/** The part of Electron's UtilityProcess a transport uses. */
export interface UtilityChildLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/** Electron's `utilityProcess` module, as far as we use it. app/ passes the real one in. */
export interface UtilityProcessLike {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: ChildStdio; env?: NodeJS.ProcessEnv; execArgv?: string[] }): UtilityChildLike;
}

/** Exit reports that may come before anyone listens (a failed spawn): kept until onExit. */
function exitLatch(): { report: (exit: ExitReport) => void; listen: (listener: (exit: ExitReport) => void) => void } {
  let pending: ExitReport | null = null;
  let listener: ((exit: ExitReport) => void) | null = null;
  let done = false;
  return {
    report(exit) {
      if (done) return;
      done = true;
      if (listener) listener(exit);
      else pending = exit;
    },
    listen(l) {
      listener = l;
      if (pending) l(pending);
    },
  };
}

function loaderEnv(entry: ResolvedEntry, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return entry.typescript ? { ...env, TSX_TSCONFIG_PATH: tsconfigPath() } : env;
}

export function forkTransport(entry: ResolvedEntry, env: NodeJS.ProcessEnv, stdio: ChildStdio): ChildTransport {
  const child = fork(entry.path, [], {
    cwd: appRoot(),
    // Inside Electron, `fork` runs Electron's binary: make it behave as Node.
    env: { ...loaderEnv(entry, env), ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) },
    execArgv: entry.typescript ? ['--import', 'tsx'] : [],
    // Structured clone, so typed arrays (PNG bytes) arrive as typed arrays, as over Electron IPC.
    serialization: 'advanced',
    stdio: ['ignore', stdio, stdio, 'ipc'],
  });
  const exit = exitLatch();
  child.on('error', (error) => {
    // Only a child that never started ends here; other errors (a failed send) precede an exit.
    if (child.pid === undefined) exit.report({ code: null, signal: null, error: error.message });
  });
  child.on('exit', (code, signal) => exit.report({ code, signal, error: null }));
  return {
    get pid() {
      return child.pid;
    },
    post: (message) => {
      if (child.connected) child.send(message as object);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: exit.listen,
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}

export function utilityTransport(utilityProcess: UtilityProcessLike, entry: ResolvedEntry, env: NodeJS.ProcessEnv, stdio: ChildStdio, serviceName: string): ChildTransport {
  const child = utilityProcess.fork(entry.path, [], {
    serviceName,
    stdio,
    env: loaderEnv(entry, env),
    ...(entry.typescript ? { execArgv: ['--import', 'tsx'] } : {}),
  });
  const exit = exitLatch();
  // Electron reports only a code; a crash (e.g. the GPU driver killing the process) is non-zero.
  child.on('exit', (code) => exit.report({ code, signal: null, error: null }));
  return {
    get pid() {
      return child.pid;
    },
    post: (message) => child.postMessage(message),
    onMessage: (listener) => {
      child.on('message', listener);
    },
    onExit: exit.listen,
    kill: () => {
      child.kill();
    },
  };
}

/** A Worker for a TS entry: tsx's ESM API, registered inside the thread (`execArgv` cannot load .ts in a Worker). */
function tsWorker(entry: ResolvedEntry, env: NodeJS.ProcessEnv): Worker {
  const api = createRequire(join(appRoot(), 'package.json')).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const code =
    `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register({ tsconfig: ${JSON.stringify(tsconfigPath())} }); ` +
    `return import(${JSON.stringify(pathToFileURL(entry.path).href)}); });`;
  return new Worker(code, { eval: true, env });
}

export function threadTransport(entry: ResolvedEntry, env: NodeJS.ProcessEnv): ChildTransport {
  const worker = entry.typescript ? tsWorker(entry, env) : new Worker(entry.path, { env });
  const exit = exitLatch();
  let uncaught: string | null = null;
  worker.on('error', (error) => (uncaught = error.message));
  worker.on('exit', (code) => exit.report({ code, signal: null, error: uncaught }));
  return {
    pid: undefined,
    post: (message, transfer) => worker.postMessage(message, [...transfer]),
    onMessage: (listener) => worker.on('message', listener),
    onMessageError: (listener) => worker.on('messageerror', (error) => listener(`could not be deserialised: ${error.message}`)),
    onExit: exit.listen,
    kill: () => {
      void worker.terminate();
    },
  };
}
