/**
 * Journey: a short Quick run is trained by the CLI into a fresh $EADER_HOME/runs before the app
 * starts; in the app, open the demo set, generate the val pseudo-masks, move the threshold and see
 * the previews change (canvas pixels before/after, and the re-render time), evaluate, rank the
 * review queue. The Masks area shows the panels under the tabs `masks-tab-pseudo` / `masks-tab-queue`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type AppHandle } from '../fixtures/app';
import { APP_ROOT } from '../fixtures/paths';

const RUN_ID = 'e2e-quick-run';

describe('journey: pseudo-masks from a trained run', () => {
  let app: AppHandle;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'eader-pseudo-home-'));
    execFileSync(
      process.execPath,
      ['bin/eader.js', 'train', '--dataset', 'resources/demo', '--out', join(home, 'runs', RUN_ID), '--preset', 'quick', '--max-steps', '12', '--checkpoint-every', '6', '--backend', 'wasm'],
      { cwd: APP_ROOT, stdio: 'ignore', env: { ...process.env, EADER_HOME: home } },
    );
    app = await launchApp({ env: { EADER_HOME: home, EADER_BACKEND: 'wasm' } });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('generates the val masks, re-renders them from the cache on a threshold move, evaluates and ranks', async () => {
    const { page } = app;
    await page.getByTestId('dataset-open-demo').click();
    await page.getByTestId('dataset-summary').waitFor();
    await page.getByTestId('nav-masks').click();
    await page.getByTestId('masks-tab-pseudo').click();
    await page.getByTestId('pseudo-panel').waitFor();
    await expect.poll(async () => page.getByTestId('pseudo-run').inputValue()).toBe(RUN_ID);
    await page.getByTestId('pseudo-split').selectOption('val');

    await page.getByTestId('pseudo-generate').click();
    await expect.poll(async () => page.getByTestId('pseudo-progress').getAttribute('data-status'), { timeout: 120_000 }).toBe('finished');
    expect(await page.getByTestId('pseudo-progress').textContent()).toMatch(/60\/60/);
    const canvases = page.locator('[data-testid^="pseudo-canvas-"]');
    await expect.poll(async () => canvases.count(), { timeout: 30_000 }).toBe(24);
    await app.screenshot('pseudo-masks-generated');

    // Move the threshold: every tile re-renders from its cached cams in the renderer.
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
    const slider = page.getByTestId('pseudo-threshold');
    const rerender = await slider.evaluate((input: HTMLInputElement) => {
      const started = performance.now();
      input.value = '0.05';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      return new Promise<{ wallMs: number; tileMs: number[] }>((resolve) =>
        requestAnimationFrame(() =>
          resolve({
            wallMs: performance.now() - started,
            tileMs: Array.from(document.querySelectorAll('[data-testid^="pseudo-canvas-"]')).map((c) => Number(c.getAttribute('data-render-ms'))),
          }),
        ),
      );
    });
    expect(await page.getByTestId('pseudo-threshold-value').textContent()).toBe('0.05');
    const after = await pixels();
    expect(after.filter((v, i) => v !== before[i]).length).toBeGreaterThan(0);
    console.log(`threshold re-render: ${rerender.wallMs.toFixed(1)} ms for ${rerender.tileMs.length} tiles (max ${Math.max(...rerender.tileMs).toFixed(2)} ms per tile)`);
    expect(rerender.wallMs).toBeLessThan(1000);
    await app.screenshot('pseudo-masks-threshold-low');
    await slider.fill('0.3');

    // Metrics: table, confusion heat map, sweep; stored with the run.
    await page.getByTestId('pseudo-show-metrics').click();
    await page.getByTestId('pseudo-evaluate').click();
    await page.getByTestId('pseudo-miou').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('pseudo-miou').textContent()).toMatch(/mIoU \d+\.\d/);
    expect(await page.getByTestId('pseudo-class-table').locator('tbody tr').count()).toBe(7); // 6 classes + mIoU
    await page.getByTestId('pseudo-confusion').waitFor();
    await page.getByTestId('pseudo-sweep').locator('canvas').first().waitFor();
    // The threshold chosen by the sweep against the ground truth is marked on the plot and offered.
    const best = await page.getByTestId('pseudo-sweep').getAttribute('data-best-threshold');
    expect(Number(best)).toBeGreaterThan(0);
    expect(await page.getByTestId('pseudo-best-threshold').textContent()).toMatch(new RegExp(`Chosen by the sweep against the ground truth: threshold ${Number(best).toFixed(2)}`));
    await app.screenshot('pseudo-masks-metrics');
    const evalDir = join(home, 'runs', RUN_ID, 'eval');
    expect(existsSync(evalDir) && readdirSync(evalDir).some((n) => n.startsWith('pseudo-val-t30'))).toBe(true);

    // The review queue, worst first.
    await page.getByTestId('masks-tab-queue').click();
    await page.getByTestId('pseudo-queue-refresh').click();
    await page.getByTestId('pseudo-queue-item-0').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid^="pseudo-queue-item-"]').count()).toBe(60);
    expect(await page.getByTestId('pseudo-queue-signal').textContent()).toMatch(/entropy/);
    await app.screenshot('pseudo-masks-queue');

    // Accept the worst one into a project, then correct masks in queue order: worst first.
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('project-path').fill(join(home, 'project'));
    await page.getByTestId('project-create').click();
    await page.getByTestId('project-name').waitFor();
    await page.getByTestId('nav-masks').click();
    await page.getByTestId('masks-tab-queue').click();
    const worst = (await page.getByTestId('pseudo-queue-item-0').getAttribute('data-id')) ?? '';
    const second = (await page.getByTestId('pseudo-queue-item-1').getAttribute('data-id')) ?? '';
    await page.getByTestId('pseudo-queue-accept-0').click();
    await expect.poll(() => page.getByTestId('pseudo-accepted').textContent()).toMatch(/1/);
    await page.getByTestId('pseudo-queue-open-0').click();
    await page.getByTestId('mask-canvas').waitFor();
    await expect.poll(() => page.getByTestId('mask-position').textContent()).toContain(`${worst} · 1 / 60`);
    await expect.poll(() => page.getByTestId('mask-source').textContent()).toContain('saved in the project');
    expect(await page.getByTestId('mask-next').textContent()).toContain('Next in queue');
    await page.getByTestId('mask-next').click();
    await expect.poll(() => page.getByTestId('mask-position').textContent()).toContain(`${second} · 2 / 60`);
    await app.screenshot('pseudo-masks-editor-queue-order');
  });
});
