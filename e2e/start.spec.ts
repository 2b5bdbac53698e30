import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { electronBinary } from './fixtures/electron-binary';
import { stopChild, waitForUrl } from './fixtures/host-process';
import { APP_ROOT } from './fixtures/paths';

describe('npm start without an Electron binary', () => {
  let stop: () => Promise<void> = () => Promise.resolve();
  afterEach(async () => stop());

  it('says so in one line and serves the UI at a printed URL within 30 s', async () => {
    // Where a binary exists, hide it so the fallback path is what is tested.
    const env = electronBinary() ? { ...process.env, EADER_NO_ELECTRON: '1' } : process.env;
    const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: APP_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    stop = () => stopChild(child);
    const started = Date.now();
    const url = await waitForUrl(child, () => output, 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(output.split('\n')[0]).toBe('No Electron binary on this machine: starting the browser host instead.');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
  });
});
