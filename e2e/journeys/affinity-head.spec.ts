/**
 * Journey: the step after training. A short Quick run is trained by the CLI; in the app's
 * pseudo-masks panel, "Train affinity head" (a few seconds' budget) trains the random walk's head in
 * a worker with progress, Generate then recomputes the cams with the head's embedding, the refiner
 * picker offers `rw`, and choosing it repaints the tiles.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type AppHandle } from '../fixtures/app';
import { APP_ROOT } from '../fixtures/paths';

const RUN_ID = 'e2e-head-run';

describe('journey: the affinity head after training', () => {
  let app: AppHandle;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'eader-head-home-'));
    execFileSync(
      process.execPath,
      ['bin/eader.js', 'train', '--dataset', 'resources/demo', '--out', join(home, 'runs', RUN_ID), '--preset', 'quick', '--max-steps', '6', '--checkpoint-every', '6', '--backend', 'wasm'],
      { cwd: APP_ROOT, stdio: 'ignore', env: { ...process.env, EADER_HOME: home } },
    );
    app = await launchApp({ env: { EADER_HOME: home, EADER_BACKEND: 'wasm' } });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('trains the head with progress, and rw joins the picker once the cams carry it', async () => {
    const { page } = app;
    await page.getByTestId('dataset-open-demo').click();
    await page.getByTestId('dataset-summary').waitFor();
    await page.getByTestId('nav-masks').click();
    await page.getByTestId('masks-tab-pseudo').click();
    await page.getByTestId('pseudo-panel').waitFor();
    await expect.poll(async () => page.getByTestId('pseudo-run').inputValue()).toBe(RUN_ID);
    await page.getByTestId('pseudo-split').selectOption('val');
    const generate = async (): Promise<void> => {
      await page.getByTestId('pseudo-generate').click();
      await expect.poll(async () => page.getByTestId('pseudo-progress').getAttribute('data-status'), { timeout: 120_000 }).toBe('finished');
    };
    await generate();
    const refinerOptions = (): Promise<string[]> => page.getByTestId('pseudo-refine').locator('option').allTextContents();
    expect(await refinerOptions()).not.toContain('rw');

    await page.getByTestId('pseudo-head-budget').fill('0.05'); // three seconds of training after the seeds
    await page.getByTestId('pseudo-train-head').click();
    await page.getByTestId('pseudo-head-progress').waitFor({ timeout: 30_000 });
    await expect.poll(async () => page.getByTestId('pseudo-head').getAttribute('data-status'), { timeout: 180_000 }).toBe('finished');
    expect(await page.getByTestId('pseudo-head-message').textContent()).toMatch(/Head trained: \d+ steps/);
    expect(existsSync(join(home, 'runs', RUN_ID, 'affinity', 'head.json'))).toBe(true);
    await page.getByTestId('pseudo-head-hint').waitFor(); // the cams lack the embedding until generated again
    await app.screenshot('affinity-head-trained');

    await generate(); // the key now names the head: the cams are recomputed with its embedding
    await expect.poll(refinerOptions, { timeout: 30_000 }).toContain('rw');
    expect(await page.getByTestId('pseudo-head-hint').count()).toBe(0);
    const canvases = page.locator('[data-testid^="pseudo-canvas-"]');
    await expect.poll(async () => canvases.count(), { timeout: 30_000 }).toBe(24);
    const pixels = (): Promise<number[]> =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid^="pseudo-canvas-"]')).map((c) => {
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let sum = 0;
          for (let i = 0; i < data.length; i += 4) sum = (sum * 31 + data[i]! + 7 * data[i + 1]! + 13 * data[i + 2]!) >>> 0;
          return sum;
        }),
      );
    const before = await pixels();
    await page.getByTestId('pseudo-refine').selectOption('rw');
    await expect.poll(async () => (await pixels()).filter((v, i) => v !== before[i]).length, { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('pseudo-error').count()).toBe(0);
    await app.screenshot('affinity-head-rw');
  }, 400_000);
});
