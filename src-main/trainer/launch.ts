/**
 * How to start the trainer process from where this code runs:
 *  - from the build (out/main/*.js): `out/main/trainer.js`, built by electron-vite;
 *  - from the sources (tests, `tsx`): `src-main/trainer/entry.ts` through the tsx loader.
 * EADER_TRAINER_ENTRY overrides the entry (a .ts entry gets the loader).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRoot } from '../platform/paths';
import { nodeLauncher, type NodeLaunchOptions, type TrainerLauncher } from './supervisor';

export function runningFromSources(): boolean {
  return fileURLToPath(import.meta.url).endsWith('.ts');
}

export function trainerEntry(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EADER_TRAINER_ENTRY) return env.EADER_TRAINER_ENTRY;
  const root = appRoot();
  if (runningFromSources()) return join(root, 'src-main/trainer/entry.ts');
  const built = join(root, 'out/main/trainer.js');
  if (!existsSync(built)) throw new Error(`The trainer is not built (${built} is missing). Run \`npm run build\`.`);
  return built;
}

export function trainerLaunchOptions(env: NodeJS.ProcessEnv = process.env, stdio: NodeLaunchOptions['stdio'] = 'inherit'): NodeLaunchOptions & { cwd: string } {
  const entry = trainerEntry(env);
  const root = appRoot();
  if (entry.endsWith('.ts')) {
    return {
      entry,
      cwd: root,
      // tsx compiles the TS entry; it resolves the @shared alias from tsconfig.base.json.
      execArgv: ['--import', 'tsx'],
      env: { ...env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') },
      stdio,
    };
  }
  return { entry, cwd: root, env, stdio };
}

export function defaultTrainerLauncher(env: NodeJS.ProcessEnv = process.env, stdio: NodeLaunchOptions['stdio'] = 'inherit'): TrainerLauncher {
  return nodeLauncher(trainerLaunchOptions(env, stdio));
}
