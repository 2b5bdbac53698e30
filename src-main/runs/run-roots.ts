/** Where runs live ($EADER_HOME/runs, or the open project's runs/) and how a new run folder is named. */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `$EADER_HOME` (default `~/.eader-workbench`). */
export function eaderHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.EADER_HOME && env.EADER_HOME.trim() ? env.EADER_HOME : join(homedir(), '.eader-workbench'));
}

/** The open project's `runs/`, else `$EADER_HOME/runs`: where new runs go. */
export function runsRootFor(project: string | null, env: NodeJS.ProcessEnv = process.env): string {
  return project ? join(resolve(project), 'runs') : join(eaderHome(env), 'runs');
}

/**
 * Every folder runs are looked up in, new-run folder first: with a project open, its runs/ and then
 * $EADER_HOME/runs, so runs trained before the project existed stay usable (history, pseudo-masks).
 */
export function runsRootsFor(project: string | null, env: NodeJS.ProcessEnv = process.env): string[] {
  const home = join(eaderHome(env), 'runs');
  const primary = runsRootFor(project, env);
  return primary === home ? [home] : [primary, home];
}

/** A sortable, unique folder name: `2025-01-31T12-00-05-quick-a1b2`. */
export function newRunId(label: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
  const tag = label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24) || 'run';
  return `${stamp}-${tag}-${randomBytes(2).toString('hex')}`;
}
