/**
 * Where an entry is, from where this code runs: from the build (out/main/*.js), the built entry;
 * from the sources (vitest, tsx), its `.ts` source, which the launchers run through tsx's loader.
 * `EADER_<NAME>_ENTRY` overrides the path; an override ending in `.ts` gets the loader too.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRoot } from '../platform/paths';
import { builtEntryPath, entryOverrideVar, PROCESS_ENTRIES, type EntryName } from './entries';

export interface ResolvedEntry {
  /** For messages: "trainer process", "train worker"… */
  readonly title: string;
  /** Absolute path of the module to run. */
  readonly path: string;
  /** A TypeScript source: launched with tsx's loader. */
  readonly typescript: boolean;
}

/** This module runs from its TypeScript source (tests, tsx), not from the build. */
export function runningFromSources(): boolean {
  return fileURLToPath(import.meta.url).endsWith('.ts');
}

export function resolveEntry(name: EntryName, env: NodeJS.ProcessEnv = process.env): ResolvedEntry {
  const { title } = PROCESS_ENTRIES[name];
  const root = appRoot();
  const override = env[entryOverrideVar(name)];
  if (override) {
    const path = isAbsolute(override) ? override : join(root, override);
    return { title, path, typescript: path.endsWith('.ts') };
  }
  if (runningFromSources()) return { title, path: join(root, PROCESS_ENTRIES[name].source), typescript: true };
  const built = join(root, builtEntryPath(name));
  if (!existsSync(built)) throw new Error(`The ${title} is not built (${built} is missing). Run \`npm run build\`.`);
  return { title, path: built, typescript: false };
}

/** tsx's tsconfig (it resolves the @shared alias from tsconfig.base.json). */
export function tsconfigPath(): string {
  return join(appRoot(), 'tsconfig.base.json');
}
