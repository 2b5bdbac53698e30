/**
 * One inference pipeline: for the same run, checkpoint and settings, `eader infer` writes exactly
 * the bytes the app writes when it accepts pseudo-masks into a project (cam job → cam cache →
 * render → masks/<id>.png), with and without refinement (bilateral, and the random walk over the
 * run's affinity head, trained by `eader refine` first), keep-largest and an ignore band, and
 * whether the CLI computes the cams itself or reads the app's cam cache.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PseudoRenderSettings } from '@shared/domain/pseudo-view';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { inProcessCamRunner } from '../pseudo/cam-runner';
import { createDatasetSession } from '../services/dataset-session';
import { ProjectSession } from '../services/project-session';
import { PseudoAnalysis } from '../services/pseudo-analysis';
import { PseudoService } from '../services/pseudo-service';
import { makeTestDataset, makeTestRun } from '../testing/trained-run';
import { runInfer } from './infer-run';
import { runRefine } from './refine-run';

const GRID = 16; // smaller than the 40×32 images: the masks are resized up from the grid
const cam = { checkpoint: 'best' as const, scales: [1, 0.75], flip: true, labels: 'gt' as const, labelThreshold: 0.5 };

let root: string;
let valIds: string[];
let runDir: string;
let analysis: PseudoAnalysis;
let projects: ProjectSession;

beforeAll(async () => {
  ({ root, ids: { val: valIds } } = await makeTestDataset(4));
  const runsRoot = await mkdtemp(join(tmpdir(), 'eader-parity-runs-'));
  runDir = await makeTestRun(runsRoot, 'run-p', root);
  // A head first (on val: the fixture has no train images), so the cams carry its embedding for rw.
  expect(await runRefine({ run: runDir, dataset: root, split: 'val', epochs: 1, inProcess: true, backend: 'wasm' })).toMatchObject({ status: 'finished', steps: 4 });
  const datasets = createDatasetSession(() => undefined);
  await datasets.open({ path: root });
  projects = new ProjectSession(datasets, () => undefined);
  await projects.create(await mkdtemp(join(tmpdir(), 'eader-parity-proj-')));
  const service = new PseudoService({ datasets, projects, runsRoots: () => [runsRoot], emit: () => undefined, runner: inProcessCamRunner, gridSide: GRID });
  analysis = new PseudoAnalysis(service);
  await service.generate({ runId: 'run-p', split: 'val', cam });
  expect(await service.settled()).toMatchObject({ status: 'finished', done: 4, failed: [] });
});

const variants: PseudoRenderSettings[] = [
  { threshold: 0.3, refine: 'none', keepLargest: false, ignoreBand: null },
  { threshold: 0.45, refine: 'bilateral', keepLargest: true, ignoreBand: null },
  { threshold: 0.3, refine: 'none', keepLargest: false, ignoreBand: { low: 0.1, high: 0.5 } },
  { threshold: 0.3, refine: 'rw', keepLargest: false, ignoreBand: null },
];

describe('eader infer and the app', () => {
  it.each(variants)('write byte-identical masks (%o)', async (settings) => {
    const accepted = await analysis.accept({ runId: 'run-p', settings, split: 'val' });
    expect(accepted.accepted.map((a) => a.id)).toEqual(valIds);
    for (const camCache of [false, true]) {
      const out = await mkdtemp(join(tmpdir(), 'eader-parity-cli-'));
      const summary = await runInfer({ run: runDir, dataset: root, split: 'val', out, ...cam, gridSide: GRID, ...settings, camCache });
      expect(summary.cached).toBe(camCache ? 4 : 0); // with the cache, the app's cams are read back, none recomputed
      for (const id of valIds) {
        const app = await readFile(join(projects.require().dir, 'masks', `${id}.png`));
        const cli = await readFile(join(out, `${id}.png`));
        expect(cli.equals(app), `${id} (camCache ${camCache})`).toBe(true);
      }
    }
    // Not a vacuous match: the masks hold foreground, and the band's 255s where asked for.
    const values = new Set<number>();
    for (const id of valIds) for (const v of decodeIndexedPng(await readFile(join(projects.require().dir, 'masks', `${id}.png`))).mask.data) values.add(v);
    expect([...values].some((v) => v !== 0 && v !== 255)).toBe(true);
    expect(values.has(255)).toBe(settings.ignoreBand !== null);
  });
});
