/**
 * Journey: a COCO dataset end to end in the app. Open a COCO folder (instances_{train,val}.json,
 * RLE masks), train a short Quick run on its "train" split from the Training area (a real trainer
 * process opening the dataset through the same door), see the run in the history with its COCO
 * record, then generate the val pseudo-masks in the Masks area and score them against the
 * rasterised COCO ground truth. Runs against real Electron when a binary exists.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeShapesCoco } from '../../src-main/testing/shapes-fixture';
import { launchApp, type AppHandle } from '../fixtures/app';

describe('journey: train on a COCO dataset from the UI', () => {
  let app: AppHandle;
  let home: string;
  let coco: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'eader-coco-home-'));
    coco = join(home, 'coco-shapes');
    await writeShapesCoco(coco, { train: 16, val: 4, seed: 9 });
    app = await launchApp({ env: { EADER_HOME: home, EADER_BACKEND: 'wasm' } });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('opens the COCO folder, trains on its train split, lists the run, and makes and scores val pseudo-masks', async () => {
    const { page } = app;
    const setField = async (key: string, value: string): Promise<void> => {
      await page.getByTestId(`cfg-${key}`).fill(value);
      await page.getByTestId(`cfg-${key}`).dispatchEvent('change');
    };
    await page.getByTestId('dataset-path').fill(coco);
    await page.getByTestId('dataset-open').click();
    await page.getByTestId('dataset-summary').waitFor();
    expect(await page.getByTestId('dataset-summary').textContent()).toMatch(/COCO .* 20 images .* 2 classes .* 20 with GT/);
    expect(await page.getByTestId('dataset-splits').textContent()).toMatch(/train 16, val 4/);
    await app.screenshot('coco-dataset');

    await page.getByTestId('nav-training').click();
    await page.getByTestId('train-preset').selectOption('quick');
    await page.getByTestId('train-settings-details').locator('summary').click();
    expect(await page.getByTestId('cfg-trainSplit').inputValue()).toBe('train');
    await setField('maxSteps', '6');
    await setField('checkpointEvery', '3');
    await setField('sampleEvery', '3');
    await setField('sampleImages', '1');
    await page.getByTestId('train-settings-details').locator('summary').click();
    await page.getByTestId('train-start').click();
    const status = async (): Promise<string | null> => page.getByTestId('train-status').textContent();
    await expect.poll(status, { timeout: 90_000 }).toBe('finished');
    expect(await page.getByTestId('train-outcome').textContent()).toMatch(/max-steps at step 6/);
    const runId = (await page.getByTestId('train-run-id').textContent())!.trim();
    await page.getByTestId(`run-row-${runId}`).waitFor();
    const record = JSON.parse(readFileSync(join(home, 'runs', runId, 'config.json'), 'utf8')) as { dataset: { format: string; path: string; trainImages: number } };
    expect(record.dataset).toMatchObject({ format: 'coco', path: coco, trainImages: 16 });
    await app.screenshot('coco-trained');

    await page.getByTestId('nav-masks').click();
    await page.getByTestId('masks-tab-pseudo').click();
    await page.getByTestId('pseudo-panel').waitFor();
    await expect.poll(async () => page.getByTestId('pseudo-run').inputValue()).toBe(runId);
    await page.getByTestId('pseudo-split').selectOption('val');
    await page.getByTestId('pseudo-generate').click();
    await expect.poll(async () => page.getByTestId('pseudo-progress').getAttribute('data-status'), { timeout: 120_000 }).toBe('finished');
    expect(await page.getByTestId('pseudo-progress').textContent()).toMatch(/4\/4/);
    await expect.poll(async () => page.locator('[data-testid^="pseudo-canvas-"]').count(), { timeout: 30_000 }).toBe(4);
    await page.getByTestId('pseudo-show-metrics').click();
    await page.getByTestId('pseudo-evaluate').click();
    await page.getByTestId('pseudo-miou').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('pseudo-miou').textContent()).toMatch(/mIoU \d+\.\d/);
    expect(await page.getByTestId('pseudo-class-table').locator('tbody tr').count()).toBe(4); // 3 classes + mIoU
    await app.screenshot('coco-pseudo-masks');
  });
});
