import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchApp, type AppHandle } from '../fixtures/app';

describe('journey: browse the demo dataset', () => {
  let app: AppHandle;
  beforeEach(async () => {
    app = await launchApp();
  });
  afterEach(async () => app.close());

  it('opens the demo set, filters by a class, opens an image and toggles its GT overlay', async () => {
    const { page } = app;
    await page.getByTestId('dataset-open-demo').click();
    await page.getByTestId('dataset-summary').waitFor();
    expect(await page.getByTestId('dataset-summary').textContent()).toMatch(/VOC .* images/);
    const totalText = await page.getByTestId('filter-count').textContent();
    const total = Number(totalText?.split(' ')[0]);
    expect(total).toBeGreaterThan(100);

    // Filter by the first foreground class: fewer images, each with that class's chip.
    const select = page.getByTestId('filter-class');
    const className = (await select.locator('option').nth(1).textContent())!.replace(/ \(\d+\)$/, '');
    await select.selectOption({ index: 1 });
    await expect.poll(async () => Number((await page.getByTestId('filter-count').textContent())?.split(' ')[0])).toBeLessThan(total);
    const firstThumb = page.locator('[data-testid^="thumb-"]').first();
    await firstThumb.waitFor();
    expect(await firstThumb.getByTestId('label-chip').allTextContents()).toContain(className);
    await expect.poll(() => firstThumb.locator('img').count()).toBe(1);
    await app.screenshot('datasets-filtered');

    // Open it: the image and its GT overlay appear; the toggle hides the overlay.
    await firstThumb.click();
    await page.getByTestId('viewer-image').waitFor();
    await page.getByTestId('gt-toggle').waitFor();
    expect(await page.getByTestId('gt-canvas').isVisible()).toBe(true);
    const painted = await page.getByTestId('gt-canvas').evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) opaque++;
      return opaque;
    });
    expect(painted).toBeGreaterThan(0);
    await page.getByTestId('gt-opacity').fill('0.9');
    await app.screenshot('datasets-viewer-gt');
    await page.getByTestId('gt-toggle').uncheck();
    expect(await page.getByTestId('gt-canvas').isVisible()).toBe(false);
    await app.screenshot('datasets-viewer-no-gt');

    // Keep the work: a project beside (never inside) the dataset; the status bar names it.
    const dir = join(mkdtempSync(join(tmpdir(), 'eader-e2e-')), 'shapes-project');
    await page.getByTestId('project-path').fill(dir);
    await page.getByTestId('project-create').click();
    await page.getByTestId('project-name').waitFor();
    expect(await page.getByTestId('project-name').textContent()).toBe('shapes-project');
    await expect.poll(() => page.getByTestId('status-project').textContent()).toContain(dir);
    await app.screenshot('datasets-project');
  });
});
