import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeIndexedPng } from '../../src-main/codecs/indexed-png';
import { launchApp, type AppHandle } from '../fixtures/app';
import { callOk, hostApi, sha256 } from '../fixtures/host-api';

async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await page.getByTestId('mask-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) {
    const t = i / 8;
    await page.mouse.move(box.x + box.width * (from[0] + (to[0] - from[0]) * t), box.y + box.height * (from[1] + (to[1] - from[1]) * t));
  }
  await page.mouse.up();
}

async function clickAt(page: Page, at: [number, number]): Promise<void> {
  const box = (await page.getByTestId('mask-canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width * at[0], box.y + box.height * at[1]);
}

const saved = (page: Page) => expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved');

describe('journey: correct a mask by hand', () => {
  let app: AppHandle;
  beforeEach(async () => {
    app = await launchApp();
  });
  afterEach(async () => app.close());

  it('paints, fills, undoes, redoes, survives navigation and reload, and accepts', async () => {
    if (app.mode !== 'host') return; // reads saved bytes through the host API
    const { page } = app;
    const api = await hostApi(app.host!.url);
    await page.getByTestId('dataset-open-demo').click();
    await page.getByTestId('dataset-summary').waitFor();
    await page.getByTestId('project-path').fill(join(mkdtempSync(join(tmpdir(), 'eader-e2e-')), 'edit-project'));
    await page.getByTestId('project-create').click();
    await page.getByTestId('project-name').waitFor();

    await page.getByTestId('nav-masks').click();
    await page.getByTestId('mask-canvas').waitFor();
    const firstId = (await page.getByTestId('mask-position').textContent())!.split(' ·')[0]!;
    await expect.poll(() => page.getByTestId('mask-source').textContent()).toContain('ground truth');
    const gt = await callOk<{ data: Uint8Array }>(api, 'dataset:gt', { id: firstId });

    // A brush stroke of class 2 across the image.
    await page.getByTestId('tool-brush').click();
    await page.getByTestId('class-2').click();
    await drag(page, [0.1, 0.5], [0.9, 0.5]);
    await saved(page);
    const afterStroke = await callOk<{ data: Uint8Array; source: string }>(api, 'mask:load', { id: firstId });
    expect(afterStroke.source).toBe('project');
    const changed = afterStroke.data.reduce((n, v, i) => n + (v !== gt.data[i] ? 1 : 0), 0);
    expect(changed).toBeGreaterThan(50);
    expect(afterStroke.data.filter((v) => v === 2).length).toBeGreaterThan(changed / 2);
    await app.screenshot('mask-editor-stroke');

    // Flood fill the stroke's region (class 2) with class 3, then undo and redo it.
    await page.getByTestId('tool-flood').click();
    await page.getByTestId('class-3').click();
    await clickAt(page, [0.5, 0.5]);
    await saved(page);
    const afterFill = await callOk<{ data: Uint8Array }>(api, 'mask:load', { id: firstId });
    const count = (data: Uint8Array, c: number): number => data.reduce((n, v) => n + (v === c ? 1 : 0), 0);
    expect(count(afterFill.data, 3) - count(afterStroke.data, 3)).toBeGreaterThan(changed / 2);
    expect(count(afterFill.data, 2)).toBeLessThan(count(afterStroke.data, 2));
    await page.getByTestId('undo').click();
    await saved(page);
    expect(sha256((await callOk<{ data: Uint8Array }>(api, 'mask:load', { id: firstId })).data)).toBe(sha256(afterStroke.data));
    await page.getByTestId('redo').click();
    await saved(page);
    expect(sha256((await callOk<{ data: Uint8Array }>(api, 'mask:load', { id: firstId })).data)).toBe(sha256(afterFill.data));
    await app.screenshot('mask-editor-fill');

    // Change the image and come back: the edit is there; reload the page: same bytes.
    await page.getByTestId('mask-next').click();
    await expect.poll(() => page.getByTestId('mask-position').textContent()).not.toContain(firstId);
    await page.getByTestId('mask-prev').click();
    await expect.poll(() => page.getByTestId('mask-position').textContent()).toContain(firstId);
    const beforeReload = sha256((await callOk<{ data: Uint8Array }>(api, 'mask:load', { id: firstId })).data);
    await page.reload();
    await page.getByTestId('nav-masks').click();
    await page.getByTestId('mask-canvas').waitFor();
    await expect.poll(() => page.getByTestId('mask-source').textContent()).toContain('saved in the project');
    expect(sha256((await callOk<{ data: Uint8Array }>(api, 'mask:load', { id: firstId })).data)).toBe(beforeReload);
    expect(beforeReload).toBe(sha256(afterFill.data));

    // Accept it: the project's review status says so.
    await page.getByTestId('review-accept').click();
    await expect.poll(async () => (await callOk<{ status: string }>(api, 'project:review', { id: firstId })).status).toBe('accepted');
    expect((await callOk<{ n: number }[]>(api, 'mask:revisions', { id: firstId })).length).toBeGreaterThanOrEqual(3);
    await app.screenshot('mask-editor-accepted');

    // Export the accepted mask as VOC from the UI, then read the PNG back from disk.
    await page.getByTestId('nav-export').click();
    await page.getByTestId('export-format-voc').check();
    await page.getByTestId('export-only').selectOption('accepted');
    await page.getByTestId('export-run').click();
    await page.getByTestId('export-result').waitFor();
    const out = (await page.getByTestId('export-out').textContent())!;
    const png = readFileSync(join(out, 'SegmentationClass', `${firstId}.png`));
    expect(sha256(decodeIndexedPng(png).mask.data)).toBe(beforeReload);
    await app.screenshot('export-done');
    api.close();
  });
});
