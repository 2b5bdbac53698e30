import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { APP_ROOT } from './fixtures/paths';

describe('packaging (electron-builder --dir against a stub Electron)', () => {
  it('produces linux-unpacked/resources/app.asar with the app and no dev dependencies', () => {
    // npm test builds first, so the check packages the bundles as they are.
    const result = spawnSync(process.execPath, ['scripts/package-check.mjs', '--no-build'], { cwd: APP_ROOT, encoding: 'utf8', timeout: 170_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output, output.slice(-3000)).not.toMatch(/^ FAIL /m);
    expect(result.status, output.slice(-3000)).toBe(0);
    expect(output).toMatch(/ok {3}.*out\/main/);
    expect(output).toMatch(/ok {3}.*devDependenc/);
  });
});
