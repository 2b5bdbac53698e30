/**
 * Journey: train briefly on the demo dataset and watch it. Quick preset with a small step budget
 * (a real trainer child process, wasm on the CPU). While it trains, a second WebSocket client pings
 * the host every 75 ms: the main side's event loop must stay responsive (target: never > 50 ms).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../../src-main/testing/host-client';
import { launchApp, type AppHandle } from '../fixtures/app';
import { ARTIFACTS } from '../fixtures/paths';

interface PingLog {
  rtts: number[];
  stop(): Promise<void>;
}

/** app:ping every `everyMs` over its own socket; round trips in ms. */
async function pingLoop(url: string, everyMs: number): Promise<PingLog> {
  const ws = url.replace(/^http/, 'ws').replace(/\/\?token=/, '/ws?token=');
  const client: TestClient = await connectClient(ws);
  const rtts: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await client.call('app:ping', { sentAt: Date.now() });
      rtts.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    rtts,
    async stop() {
      running = false;
      await loop;
      client.close();
    },
  };
}

/**
 * Loaded into the host with NODE_OPTIONS=--import: a 20 ms timer that reports each late tick with
 * the process's own CPU time in that window. A late tick with little CPU means the process was
 * waiting for a core (the machine is busy); with CPU close to the wall time, it was blocked by its
 * own work. The trainer inherits it too; its lines carry its own pid and are ignored.
 */
const LOOP_PROBE = `let last = performance.now(); let cpu = process.cpuUsage();
setInterval(() => {
  const now = performance.now(); const used = process.cpuUsage(cpu); cpu = process.cpuUsage();
  const late = now - last - 20;
  if (late > 10) process.stderr.write('EADER-LOOP ' + process.pid + ' ' + late.toFixed(1) + ' ' + ((used.user + used.system) / 1000).toFixed(1) + '\\n');
  last = now;
}, 20).unref();
`;

/** The host's late ticks: [lateMs, ownCpuMs] per window. */
function hostLoopReport(output: string, pid: number | undefined): { lateMaxMs: number; ownCpuMaxMs: number; windows: number } {
  let lateMaxMs = 0;
  let ownCpuMaxMs = 0;
  let windows = 0;
  for (const match of output.matchAll(/EADER-LOOP (\d+) ([\d.]+) ([\d.]+)/g)) {
    if (Number(match[1]) !== pid) continue;
    windows++;
    lateMaxMs = Math.max(lateMaxMs, Number(match[2]));
    ownCpuMaxMs = Math.max(ownCpuMaxMs, Number(match[3]));
  }
  return { lateMaxMs, ownCpuMaxMs, windows };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe('journey: train on the demo dataset and watch the erasure rounds', () => {
  let app: AppHandle;
  let home: string;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'eader-home-'));
    const probe = join(home, 'loop-probe.mjs');
    writeFileSync(probe, LOOP_PROBE);
    app = await launchApp({ env: { EADER_HOME: home, EADER_BACKEND: 'wasm', NODE_OPTIONS: `--import ${probe}` } });
  });
  afterEach(async () => {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('starts a Quick run, charts and rounds arrive, pause holds, reload re-attaches, stop lands in history', async () => {
    const { page } = app;
    const points = async (): Promise<number> => Number(await page.getByTestId('chart-localizer').getAttribute('data-points'));
    const rounds = async (): Promise<number> => Number(await page.getByTestId('gallery').getAttribute('data-rounds'));
    const status = async (): Promise<string | null> => page.getByTestId('train-status').textContent();
    const setField = async (key: string, value: string): Promise<void> => {
      await page.getByTestId(`cfg-${key}`).fill(value);
      await page.getByTestId(`cfg-${key}`).dispatchEvent('change');
    };

    await page.getByTestId('dataset-open-demo').click();
    await page.getByTestId('dataset-summary').waitFor();
    await page.getByTestId('nav-training').click();
    await page.getByTestId('train-preset').selectOption('quick');
    await page.getByTestId('train-settings-details').locator('summary').click();
    expect(await page.getByTestId('cfg-alpha').inputValue()).toBe('0.05');
    await setField('maxSteps', '400');
    // The Quick preset trains without an adversary; this journey watches both phases and the erasure rounds.
    await page.getByTestId('cfg-adversary').selectOption('tiny');
    await setField('sampleEvery', '4');
    await setField('sampleImages', '2');
    await setField('checkpointEvery', '10');
    await setField('locSteps', '6'); // short blocks, so the phase band shows both
    await setField('advSteps', '4');
    await app.screenshot('training-settings');
    await page.getByTestId('train-settings-details').locator('summary').click(); // collapse: the live view shows

    const pings = app.host ? await pingLoop(app.host.url, 75) : null;
    const outputBefore = app.host?.output().length ?? 0;
    await page.getByTestId('train-start').click();
    await expect.poll(status, { timeout: 60_000 }).toBe('running');
    await expect.poll(points, { timeout: 60_000 }).toBeGreaterThan(8);
    await expect.poll(rounds, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('train-backend-trainer').textContent()).toMatch(/wasm/);
    expect(await page.getByTestId('round-cam').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('chart-localizer').getAttribute('data-drawn')).not.toBe('0');
    const runId = (await page.getByTestId('train-run-id').textContent())!.trim();
    await app.screenshot('training-running');

    // Reload mid-run: the page re-attaches to the live run with its points and rounds.
    const before = await points();
    const roundsBefore = await rounds();
    await page.reload();
    await page.getByTestId('nav-training').click();
    await expect.poll(status, { timeout: 30_000 }).toBe('running');
    await expect.poll(points, { timeout: 30_000 }).toBeGreaterThanOrEqual(before);
    expect(await rounds()).toBeGreaterThanOrEqual(roundsBefore);
    expect((await page.getByTestId('train-run-id').textContent())!.trim()).toBe(runId);
    await app.screenshot('training-reattached');

    // Pause: once the trainer reports paused, no point arrives for 3 s.
    await page.getByTestId('train-pause').click();
    await expect.poll(status, { timeout: 30_000 }).toBe('paused');
    await page.waitForTimeout(300); // the last batch of points (flushed every 100 ms)
    const held = await points();
    await page.waitForTimeout(3000);
    expect(await points()).toBe(held);
    await app.screenshot('training-paused');

    await page.getByTestId('train-resume').click();
    await expect.poll(status, { timeout: 30_000 }).toBe('running');
    await expect.poll(points, { timeout: 30_000 }).toBeGreaterThan(held + 2);

    // Scrub the gallery back to the first round, then stop.
    await page.getByTestId('gallery-slider').fill('0');
    expect(await page.getByTestId('gallery-step').textContent()).toMatch(/round 1 \//);
    await page.getByTestId('train-stop').click();
    await expect.poll(status, { timeout: 60_000 }).toBe('finished');
    const pingLog = pings ? (await pings.stop(), pings.rtts) : [];
    const loop = hostLoopReport(app.host?.output().slice(outputBefore) ?? '', app.host?.child.pid);
    expect(await page.getByTestId('train-outcome').textContent()).toMatch(/stopped/);
    if (app.mode === 'host') await page.getByTestId('toast').first().waitFor();
    await app.screenshot('training-stopped');

    // History: the run with its metrics.
    const row = page.getByTestId(`run-row-${runId}`);
    await row.waitFor();
    expect(await row.getByTestId('run-status').textContent()).toBe('stopped');
    await page.getByTestId(`run-open-${runId}`).click();
    await page.getByTestId(`run-detail-${runId}`).waitFor();
    await page.getByTestId(`run-detail-${runId}`).scrollIntoViewIfNeeded();
    await expect.poll(async () => Number(await page.getByTestId(`detail-${runId}-localizer`).getAttribute('data-points'))).toBeGreaterThan(held);
    await app.screenshot('training-history');

    // A second short run, compared with the first, then deleted after confirming. The settings
    // (collapsed since the reload) still hold the re-attached run's Quick config.
    expect(await page.getByTestId('train-preset').inputValue()).toBe('quick');
    await page.getByTestId('train-settings-details').locator('summary').click();
    expect(await page.getByTestId('cfg-backbone').inputValue()).toBe('tiny');
    await setField('maxSteps', '6');
    await page.getByTestId('train-settings-details').locator('summary').click();
    await page.getByTestId('train-start').click();
    const runIdShown = async (): Promise<string> => (await page.getByTestId('train-run-id').textContent())?.trim() ?? '';
    await expect.poll(runIdShown, { timeout: 30_000 }).not.toBe(runId);
    const second = await runIdShown();
    await expect.poll(status, { timeout: 60_000 }).toBe('finished');
    expect(await page.getByTestId('train-outcome').textContent()).toMatch(/max-steps at step 6/);
    await page.getByTestId(`run-row-${second}`).waitFor();
    await page.getByTestId(`run-select-${runId}`).check();
    await page.getByTestId(`run-select-${second}`).check();
    expect(await page.getByTestId('runs-compare').textContent()).toMatch(/2\/2/);
    await page.getByTestId('runs-compare').click();
    await page.getByTestId('run-compare-table').waitFor();
    await page.getByTestId('run-detail').scrollIntoViewIfNeeded();
    expect(await page.locator('[data-testid="run-compare-table"] tr.differs').count()).toBeGreaterThan(0);
    await app.screenshot('training-compare');
    await page.getByTestId(`run-delete-${second}`).click();
    await page.getByTestId(`run-delete-confirm-${second}`).click();
    await expect.poll(() => page.getByTestId(`run-row-${second}`).count()).toBe(0);
    expect(await page.getByTestId(`run-row-${runId}`).count()).toBe(1);

    if (pingLog.length > 0) {
      const report = {
        samples: pingLog.length,
        intervalMs: 75,
        maxMs: Math.max(...pingLog),
        p99Ms: percentile(pingLog, 99),
        p50Ms: percentile(pingLog, 50),
        over50ms: pingLog.filter((v) => v > 50).length,
        /** Inside the host, over the same period: the latest 20 ms timer tick, and the most CPU the host itself used in one late window. */
        hostLoop: loop,
        mode: app.mode,
      };
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(join(ARTIFACTS, 'ping-during-training.json'), `${JSON.stringify(report, null, 2)}\n`);
      console.log(`app:ping during training: ${report.samples} pings, p50 ${report.p50Ms.toFixed(1)} ms, p99 ${report.p99Ms.toFixed(1)} ms, max ${report.maxMs.toFixed(1)} ms`);
      console.log(`host event loop: latest tick +${loop.lateMaxMs} ms; most own CPU in a late window ${loop.ownCpuMaxMs} ms (${loop.windows} late windows)`);
      expect(report.samples).toBeGreaterThan(50);
      expect(report.p99Ms).toBeLessThan(250); // loose: two shared cores; the target (50 ms) is reported, not asserted
    }
  });
});
