/**
 * How to start the trainer process: the toolkit's `trainer` entry (out/main/trainer.js from the
 * build, src-main/trainer/entry.ts through tsx from the sources; EADER_TRAINER_ENTRY overrides it)
 * with the trainer protocol's schemas, as a Node child process or, in the app, an Electron
 * utilityProcess (app/ passes `utilityProcess` in; nothing here imports electron).
 */
import { ParentMessage, TrainerMessage } from '@shared/trainer-protocol';
import { FORK, spawnChild, type ProcessKind } from '../processes/spawn';
import type { ChildStdio } from '../processes/transports';
import type { TrainerLauncher } from './supervisor';

export interface TrainerLaunchOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the trainer's stdout/stderr go; 'inherit' by default (tfjs prints its backend notes). */
  stdio?: ChildStdio;
}

export function trainerLauncher(kind: ProcessKind = FORK, { env = process.env, stdio = 'inherit' }: TrainerLaunchOptions = {}): TrainerLauncher {
  return () => spawnChild({ entry: 'trainer', ...kind, toChild: ParentMessage, fromChild: TrainerMessage, env, stdio });
}

/** A Node child process (the CLI, the host, tests). */
export function defaultTrainerLauncher(env: NodeJS.ProcessEnv = process.env, stdio: ChildStdio = 'inherit'): TrainerLauncher {
  return trainerLauncher(FORK, { env, stdio });
}
