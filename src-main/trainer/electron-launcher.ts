/**
 * The Electron flavour of the trainer process: a utilityProcess. `utilityProcess` is injected by
 * the app (src-main/app), so this file imports nothing from electron and the supervisor stays
 * usable from plain Node.
 */
import type { TrainerLauncher } from './supervisor';

/** The part of Electron's UtilityProcess the launcher uses. */
export interface UtilityChildLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface UtilityProcessLike {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'inherit' | 'ignore' | 'pipe'; env?: NodeJS.ProcessEnv }): UtilityChildLike;
}

export function electronLauncher(utilityProcess: UtilityProcessLike, entry: string, env: NodeJS.ProcessEnv = process.env): TrainerLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'EADER trainer', stdio: 'inherit', env });
    return {
      get pid() {
        return child.pid;
      },
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => {
        child.on('message', listener);
      },
      onExit: (listener) => {
        // Electron reports only a code; a crash (e.g. the GPU driver killing the process) is non-zero.
        child.on('exit', (code) => listener({ code, signal: null }));
      },
      kill: () => {
        child.kill();
      },
    };
  };
}
