/**
 * Journey: one round of the loop from the UI on the demo set. A 12-step Quick localizer run is
 * trained by the CLI first; in the app: open the demo set, create a project, make the localizer's
 * cams at one scale (fast), then under Masks → Rounds start round 1 with a tiny training budget.
 * The round trains a segmenter in the trainer process (warm-started from the localizer's backbone),
 * predicts the training and val images and scores them against the demo's GT; the rounds table
 * shows round 0 and round 1 with their mIoU,
 * the Training history lists the segmenter run, and "Review" opens its predictions in the queue,
 * where accepting one (provenance: the run, round 1) and reviewing it as accepted makes it the next
 * round's first correction.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type AppHandle } from '../fixtures/app';
import { APP_ROOT } from '../fixtures/paths';

const RUN_ID = 'e2e-round-localizer';

describe('journey: a segmenter round from the Masks area', () => {
  let app: AppHandle;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'eader-round-home-'));
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

  it('starts round 1, shows both rounds scored, and reviews the segmenter’s predictions', async () => {
    const { page } = app;
    await page.getByTestId('dataset-open-demo').click();
    await page.getByTestId('dataset-summary').waitFor();
    await page.getByTestId('project-path').fill(join(home, 'project'));
    await page.getByTestId('project-create').click();
    await page.getByTestId('project-name').waitFor();
    await page.getByTestId('nav-masks').click();

    // The localizer's cams at one scale without flip: the round keeps the cache's settings.
    await page.getByTestId('masks-tab-pseudo').click();
    await expect.poll(async () => page.getByTestId('pseudo-run').inputValue()).toBe(RUN_ID);
    await page.getByTestId('pseudo-scales').fill('1');
    await page.getByTestId('pseudo-flip').uncheck();
    await page.getByTestId('pseudo-split').selectOption('val');
    await page.getByTestId('pseudo-generate').click();
    await expect.poll(async () => page.getByTestId('pseudo-progress').getAttribute('data-status'), { timeout: 120_000 }).toBe('finished');

    await page.getByTestId('masks-tab-rounds').click();
    await page.getByTestId('rounds-panel').waitFor();
    await expect.poll(async () => page.getByTestId('rounds-localizer').inputValue()).toBe(RUN_ID);
    await page.getByTestId('round-row-0').waitFor();
    expect(await page.getByTestId('rounds-start').textContent()).toMatch(/Start round 1 from 0 corrected images/);
    await page.getByTestId('rounds-budget').fill('0.25');
    await page.getByTestId('rounds-start').click();
    await expect.poll(async () => page.getByTestId('rounds-job').getAttribute('data-phase'), { timeout: 30_000 }).toBe('training');
    await app.screenshot('round-training');
    await expect.poll(async () => page.getByTestId('rounds-job').getAttribute('data-phase'), { timeout: 240_000 }).toBe('finished');
    await page.getByTestId('round-row-1').waitFor();
    expect(await page.getByTestId('round-miou-0').textContent()).toMatch(/\d+\.\d %/);
    expect(await page.getByTestId('round-miou-1').textContent()).toMatch(/\d+\.\d %/);
    expect(await page.getByTestId('round-row-1').textContent()).toMatch(/segmenter/);
    await app.screenshot('round-finished');
    const runs = readdirSync(join(home, 'project', 'runs')).filter((n) => n.includes('round-1'));
    expect(runs).toHaveLength(1);
    expect(existsSync(join(home, 'project', 'runs', runs[0]!, 'round.json'))).toBe(true);
    // Trained in the trainer process from the localizer's backbone (both tiny), which its record names.
    const record = JSON.parse(readFileSync(join(home, 'project', 'runs', runs[0]!, 'config.json'), 'utf8')) as { kind: string; init: { runId: string } | null };
    expect(record).toMatchObject({ kind: 'segmenter', init: { runId: RUN_ID } });

    // Its predictions in the review queue, ranked by the network's own uncertainty.
    await page.getByTestId('round-review-1').click();
    await page.getByTestId('pseudo-queue-item-0').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('pseudo-queue-signal').textContent()).toMatch(/entropy/);
    expect(await page.locator('[data-testid^="pseudo-queue-item-"]').count()).toBe(300);
    await app.screenshot('round-review-queue');

    // Accept the worst training image's prediction (ids up to shapes_0240 are the demo's train split):
    // its provenance names the segmenter run and round 1, and the next round starts from it.
    const ids = await page.locator('[data-testid^="pseudo-queue-item-"]').evaluateAll((items) => items.map((el) => el.getAttribute('data-id') ?? ''));
    const worstTrain = ids.findIndex((id) => id <= 'shapes_0240');
    expect(worstTrain).toBeGreaterThanOrEqual(0);
    await page.getByTestId(`pseudo-queue-accept-${worstTrain}`).click();
    await expect.poll(() => page.getByTestId('pseudo-accepted').textContent()).toMatch(/^1 accepted/);
    const provenance = JSON.parse(readFileSync(join(home, 'project', 'provenance', `${ids[worstTrain]!}.json`), 'utf8')) as { entries: { source: string; runId: string; round: number | null }[] };
    expect(provenance.entries.at(-1)).toMatchObject({ source: 'segmenter', runId: runs[0]!, round: 1 });
    // An accepted-unreviewed prediction is only the network's guess: reviewed as accepted, it is a correction.
    await page.getByTestId('masks-tab-rounds').click();
    await expect.poll(async () => page.getByTestId('rounds-start').textContent()).toMatch(/Start round 2 from 0 corrected images/);
    await page.getByTestId('round-review-1').click();
    await page.getByTestId(`pseudo-queue-open-${worstTrain}`).click();
    await page.getByTestId('mask-canvas').waitFor();
    await page.getByTestId('review-accept').click();
    await page.getByTestId('masks-tab-rounds').click();
    await expect.poll(async () => page.getByTestId('rounds-start').textContent()).toMatch(/Start round 2 from 1 corrected images/);

    // The Training history lists it as a segmenter run.
    await page.getByTestId('nav-training').click();
    await page.getByTestId(`run-row-${runs[0]!}`).waitFor();
    expect(await page.getByTestId(`run-row-${runs[0]!}`).getByTestId('run-kind').textContent()).toBe('segmenter');
  }, 400_000);
});
