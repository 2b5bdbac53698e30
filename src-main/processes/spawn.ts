/**
 * Start a child by entry name and protocol: `spawnChild({ entry: 'trainer', kind: 'fork',
 * toChild, fromChild })` returns a typed, validated ChildChannel whatever the kind. The child
 * side is `serveParent` (serve-parent.ts). The model is VS Code's ipc.cp Client/Server: one
 * mechanism for every forked service.
 */
import type { z } from 'zod';
import { connectChild, type ChannelSchemas, type ChildChannel, type ChildTransport } from './channel';
import type { EntryName } from './entries';
import { resolveEntry, type ResolvedEntry } from './resolve-entry';
import { forkTransport, threadTransport, utilityTransport, type ChildStdio, type UtilityProcessLike } from './transports';

/** How a process child runs: a Node child process, or (in the app) an Electron utilityProcess. */
export type ProcessKind = { kind: 'fork' } | { kind: 'utility'; utilityProcess: UtilityProcessLike };
export type SpawnKind = ProcessKind | { kind: 'thread' };

export const FORK: ProcessKind = { kind: 'fork' };

export type SpawnOptions<TC extends z.ZodType, FC extends z.ZodType> = SpawnKind &
  ChannelSchemas<TC, FC> & {
    /** An entry of PROCESS_ENTRIES (resolved from the build or the sources), or a resolved one (tests). */
    entry: EntryName | ResolvedEntry;
    /** The child's environment (default process.env); also where EADER_<NAME>_ENTRY is read. */
    env?: NodeJS.ProcessEnv;
    /** The child's stdout/stderr for process kinds ('inherit' by default); stdin is never shared. */
    stdio?: ChildStdio;
  };

export function spawnChild<TC extends z.ZodType, FC extends z.ZodType>(options: SpawnOptions<TC, FC>): ChildChannel<z.output<TC>, z.output<FC>> {
  const env = options.env ?? process.env;
  const entry = typeof options.entry === 'string' ? resolveEntry(options.entry, env) : options.entry;
  const stdio = options.stdio ?? 'inherit';
  let transport: ChildTransport;
  switch (options.kind) {
    case 'fork':
      transport = forkTransport(entry, env, stdio);
      break;
    case 'utility':
      transport = utilityTransport(options.utilityProcess, entry, env, stdio, `EADER ${entry.title}`);
      break;
    case 'thread':
      transport = threadTransport(entry, env);
      break;
  }
  return connectChild(entry.title, transport, options);
}
