import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchApp, type AppHandle } from '../fixtures/app';

describe('journey: open the app and visit every area', () => {
  let app: AppHandle;
  beforeEach(async () => {
    app = await launchApp();
  });
  afterEach(async () => app.close());

  it('shows the shell, the compute backend, and all four areas', async () => {
    const { page } = app;
    await page.getByTestId('status-backend').waitFor();
    expect(await page.getByTestId('status-backend').textContent()).toMatch(/Compute: (webgpu|wasm|cpu|tensorflow|tensorflow-gpu)/);
    for (const [id, heading] of [
      ['datasets', 'Datasets'],
      ['training', 'Training'],
      ['masks', 'Masks'],
      ['export', 'Export'],
    ] as const) {
      await page.getByTestId(`nav-${id}`).click();
      await page.getByTestId(`area-${id}`).waitFor();
      expect(await page.locator('main h1').first().textContent()).toBe(heading);
      expect(await page.getByTestId(`nav-${id}`).getAttribute('aria-current')).toBe('page');
    }
    const shot = await app.screenshot('navigate-export');
    expect(statSync(shot).size).toBeGreaterThan(5000);
  });
});
