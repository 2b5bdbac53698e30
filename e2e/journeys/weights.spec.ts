/**
 * Journey: pretrained weights in the Training area. The page says the Quick preset trains from
 * scratch; a tiny "ImageNet" weights file (made here) is imported through the path field (the
 * browser host; Electron has the native dialog instead), listed with its SHA-256, chosen as the
 * localizer's weights, and a short run starts from it: the trainer says so, and the run's record
 * and detail show the weights with their SHA-256.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Classifier } from '../../src-main/engine/classifier';
import { makeRng } from '../../src-main/engine/rng';
import { useTestBackend } from '../../src-main/testing/tf-backend';
import { writeTorchSafetensors } from '../../src-main/testing/weight-files';
import { launchApp, type AppHandle } from '../fixtures/app';

describe('journey: train from imported weights', () => {
  let app: AppHandle;
  let home: string;
  let file: string;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'eader-home-'));
    await useTestBackend('wasm');
    const net = new Classifier('tiny', 1000, makeRng(7), { momentum: 0.5, epsilon: 1e-5 });
    tf.tidy(() => void net.backbone.features(tf.randomNormal([2, 32, 32, 3], 0.5, 2, 'float32', 1) as tf.Tensor4D, true));
    file = join(home, 'tiny-imagenet.safetensors');
    await writeTorchSafetensors(file, net.store, 'module.'); // PyTorch layout and a DataParallel prefix, as a .pth converted by timm would be
    net.dispose();
    app = await launchApp({ env: { EADER_HOME: home, EADER_BACKEND: 'wasm' } });
  });
  afterEach(async () => {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('imports a weights file, lists it, trains a run from it, and the run records the weights', async () => {
    const { page } = app;
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    const status = async (): Promise<string | null> => page.getByTestId('train-status').textContent();

    await page.getByTestId('dataset-open-demo').click();
    await page.getByTestId('dataset-summary').waitFor();
    await page.getByTestId('nav-training').click();
    await page.getByTestId('train-preset').selectOption('quick');
    // Plainly: from scratch, and why there is nothing to download for the tiny network.
    await expect.poll(() => page.getByTestId('weights-plan-localizer').textContent()).toMatch(/The localizer \(tiny\) will train from scratch/);
    expect(await page.getByTestId('weights-plan-localizer').textContent()).toMatch(/No ImageNet weights are published for the tiny network/);

    await page.getByTestId('weights-details').locator('summary').click();
    expect(await page.getByTestId('weights-details').locator('summary').textContent()).toMatch(/0 in the store/);
    expect(await page.locator('[data-testid^="weights-download-"]').count()).toBe(5); // one per ImageNet release
    if (app.mode !== 'host') return; // Electron imports through the native file dialog, which a test cannot drive
    await page.getByTestId('weights-import-path').fill(file);
    await page.getByTestId('weights-import-name').fill('tiny-in1k');
    await page.getByTestId('weights-import').click();
    await expect.poll(() => page.getByTestId('weights-job').getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await page.getByTestId('weights-job-message').textContent()).toContain(`Stored as tiny-in1k (tiny, SHA-256 ${sha256.slice(0, 12)}…)`);
    const row = page.getByTestId('weights-entry-tiny-in1k');
    await row.waitFor();
    expect(await row.textContent()).toContain(sha256.slice(0, 12));
    expect(await row.textContent()).toContain(file);
    await app.screenshot('weights-imported');

    // Choose it for the localizer: the page now says what the run will start from.
    await page.getByTestId('train-settings-details').locator('summary').click();
    await page.getByTestId('cfg-pretrained').selectOption('tiny-in1k');
    await expect.poll(() => page.getByTestId('weights-plan-localizer').textContent()).toMatch(new RegExp(`starts from tiny-in1k \\(tiny, SHA-256 ${sha256.slice(0, 12)}…\\)`));
    for (const [key, value] of [['maxSteps', '3'], ['sampleEvery', '0'], ['checkpointEvery', '3']] as const) {
      await page.getByTestId(`cfg-${key}`).fill(value);
      await page.getByTestId(`cfg-${key}`).dispatchEvent('change');
    }
    await page.getByTestId('train-settings-details').locator('summary').click();
    await page.getByTestId('train-start').click();
    await expect.poll(status, { timeout: 90_000 }).toBe('finished');
    expect(await page.getByTestId('train-notes').textContent()).toMatch(/The localizer starts from pretrained weights tiny-in1k \(tiny, SHA-256/);
    const runId = (await page.getByTestId('train-run-id').textContent())!.trim();

    const record = JSON.parse(readFileSync(join(home, 'runs', runId, 'config.json'), 'utf8')) as { config: { pretrained: string }; weights: { localizer: { sha256: string; kind: string } } };
    expect(record.config.pretrained).toBe('tiny-in1k');
    expect(record.weights.localizer).toMatchObject({ kind: 'store', sha256 });

    await page.getByTestId(`run-open-${runId}`).click();
    await page.getByTestId(`run-detail-${runId}`).waitFor();
    expect(await page.getByTestId('run-detail-weights-localizer').textContent()).toMatch(new RegExp(`localizer from tiny-in1k \\(tiny, SHA-256\\s+${sha256.slice(0, 12)}…\\)`));
    await page.getByTestId('run-detail').scrollIntoViewIfNeeded();
    await app.screenshot('weights-run-detail');
  });
});
