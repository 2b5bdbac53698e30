import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRunRoot } from './run-history';
import { runsRootFor, runsRootsFor } from './run-roots';

describe('run folders', () => {
  it('puts new runs in the project, and still finds runs trained before the project existed', () => {
    const home = mkdtempSync(join(tmpdir(), 'eader-home-'));
    const project = mkdtempSync(join(tmpdir(), 'eader-project-'));
    const env = { EADER_HOME: home };
    expect(runsRootsFor(null, env)).toEqual([join(home, 'runs')]);
    expect(runsRootsFor(project, env)).toEqual([join(project, 'runs'), join(home, 'runs')]);
    expect(runsRootFor(project, env)).toBe(join(project, 'runs'));

    // A run in $EADER_HOME/runs is found after a project opens (the pseudo-mask accept bug).
    mkdirSync(join(home, 'runs', 'old-run'), { recursive: true });
    writeFileSync(join(home, 'runs', 'old-run', 'config.json'), '{}');
    expect(findRunRoot(runsRootsFor(project, env), 'old-run')).toBe(join(home, 'runs'));
    // Unknown runs resolve to the new-run folder, where they are then reported missing.
    expect(findRunRoot(runsRootsFor(project, env), 'nope')).toBe(join(project, 'runs'));
    expect(() => findRunRoot(runsRootsFor(project, env), '../escape')).toThrow(/not a run id/);
  });
});
