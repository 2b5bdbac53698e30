/**
 * What is computed from a run's cam cache without the network: evaluation against the ground truth
 * (stored as `runs/<id>/eval/<name>.json` with `miou`, which the Training history lists), the
 * review queue, and accepting masks into the project (one revision each, with provenance).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { bestThreshold, type PseudoAcceptInput, type PseudoAcceptResult, type PseudoEvalResult, type PseudoQueue, type PseudoRenderSettings, type PseudoScopeInput } from '@shared/domain/pseudo-view';
import { PseudoRenderSettings as RenderSchema } from '@shared/domain/pseudo-view';
import { ApiError, asApiError } from '@shared/envelope';
import { maskSaveCode } from './mask-service';
import { renderPseudoMask } from '@shared/pseudo/render';
import { writeJsonAtomic } from '../fs/atomic-write';
import type { CachedCams } from '../pseudo/cam-cache';
import { datasetGuides } from '../pseudo/cam-compute';
import { cachedIds } from '../pseudo/cache-index';
import { evaluateItems, thresholdSweep, type ScoredItem } from '../pseudo/evaluate';
import { appendProvenance } from '../pseudo/provenance';
import { queueSignalOf, queueSignals } from '../pseudo/queue';
import { spearman } from '../pseudo/stats';
import type { PseudoService } from './pseudo-service';
import { RUN_FILES, runPaths } from '../runs/run-layout';
import { REFINERS } from '@shared/pseudo/refiners';
import { headFor, noHeadMessage } from '../pseudo/affinity-head';

interface Scope {
  runDir: string;
  settings: PseudoRenderSettings;
  split: string | null;
  checkpointStep: number;
  items: { id: string; cams: CachedCams }[];
}

/** The name an evaluation is stored under: split, threshold and options. */
export function evalName(split: string | null, s: PseudoRenderSettings): string {
  const band = s.ignoreBand ? `-ignore${Math.round(s.ignoreBand.low * 100)}-${Math.round(s.ignoreBand.high * 100)}` : '';
  return `pseudo-${split ?? 'selection'}-t${Math.round(s.threshold * 100)}${s.refine !== 'none' ? `-${s.refine}` : ''}${s.keepLargest ? '-largest' : ''}${band}`;
}

export class PseudoAnalysis {
  constructor(private readonly service: PseudoService) {}

  private async scope(input: PseudoScopeInput): Promise<Scope> {
    const runDir = await this.service.runDir(input.runId);
    const cache = await this.service.cache(input.runId);
    const settings = RenderSchema.parse(input.settings ?? {});
    if (settings.refine === 'rw' && !cache.key.affinityHead) {
      const hint = (await headFor(runDir, cache.key)) ? ` Its head is trained: generate the cams of run ${input.runId} again.` : '';
      throw new ApiError('CONFLICT', `${noHeadMessage(runDir, cache.key.checkpointStep)}${hint}`);
    }
    let ids = input.ids ? [...new Set(input.ids)] : await cachedIds(cache);
    if (input.split) {
      const inSplit = new Set(this.service.options.datasets.dataset().images.filter((r) => r.splits.includes(input.split!)).map((r) => r.id));
      ids = ids.filter((id) => inSplit.has(id));
    }
    const items: Scope['items'] = [];
    // The guide image is made again from the dataset only when a refiner will look at it.
    const guides = REFINERS[settings.refine].needsGuide ? datasetGuides(this.service.options.datasets.dataset()) : null;
    for (const id of ids) {
      const cams = await cache.read(id, guides);
      if (cams) items.push({ id, cams });
    }
    if (items.length === 0) throw new ApiError('NOT_FOUND', `No cached cams of run ${input.runId} for these images: generate them first.`);
    return { runDir, settings, split: input.split ?? null, checkpointStep: cache.key.checkpointStep, items };
  }

  private async withGt(items: Scope['items']): Promise<ScoredItem[]> {
    const scored: ScoredItem[] = [];
    for (const item of items) {
      const gt = await this.service.options.datasets.gt(item.id);
      if (gt) scored.push({ ...item, gt });
    }
    return scored;
  }

  async evaluate(input: PseudoScopeInput & { save?: boolean }): Promise<PseudoEvalResult> {
    const started = performance.now();
    const scope = await this.scope(input);
    const scored = await this.withGt(scope.items);
    if (scored.length === 0) throw new ApiError('NOT_FOUND', 'None of these images has a ground-truth mask to score against.');
    const classes = this.service.options.datasets.dataset().classes;
    const { matrix } = evaluateItems(scored, scope.settings, classes.length);
    const scores = matrix.scores();
    // A refiner too slow to run once per image and threshold (bilateral) is left out of the sweep.
    const sweepRefine = REFINERS[scope.settings.refine].inSweep ? scope.settings.refine : 'none';
    const sweep = thresholdSweep(scored, { ...scope.settings, refine: sweepRefine }, classes.length);
    const result: PseudoEvalResult = {
      runId: input.runId,
      checkpointStep: scope.checkpointStep,
      split: scope.split,
      settings: scope.settings,
      images: scored.length,
      withoutGt: scope.items.length - scored.length,
      miou: scores.miou,
      pixelAccuracy: scores.pixelAccuracy,
      perClass: scores.perClass.map((c) => ({ ...c, name: classes[c.classIndex] ?? `class ${c.classIndex}` })),
      classes,
      confusion: Array.from(matrix.counts),
      sweep,
      sweepRefine,
      bestThreshold: bestThreshold(sweep),
      file: null,
      seconds: 0,
    };
    if (input.save !== false) {
      const file = join(RUN_FILES.eval, `${evalName(scope.split, scope.settings)}.json`);
      await mkdir(runPaths(scope.runDir).eval, { recursive: true });
      result.file = file;
      result.seconds = (performance.now() - started) / 1000;
      await writeJsonAtomic(join(scope.runDir, file), { format: 'eader-pseudo-eval/1', createdAt: new Date().toISOString(), ...result });
    }
    result.seconds = (performance.now() - started) / 1000;
    return result;
  }

  async queue(input: PseudoScopeInput): Promise<PseudoQueue> {
    const scope = await this.scope(input);
    const signals = queueSignals(scope.items, scope.settings);
    const signal = queueSignalOf(scope.items[0]!.cams); // a cache holds one kind of record
    const classes = this.service.options.datasets.dataset().classes.length;
    const { perImage } = evaluateItems(await this.withGt(scope.items), scope.settings, classes);
    const items = scope.items
      .map(({ id }) => {
        const s = signals.get(id)!;
        return { id, score: s[signal], signals: s, iou: perImage.get(id) ?? null };
      })
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    const known = items.filter((it) => it.iou !== null);
    return { signal, items, spearman: known.length >= 3 ? spearman(known.map((it) => it.score), known.map((it) => it.iou!)) : null };
  }

  async accept(input: PseudoAcceptInput): Promise<PseudoAcceptResult> {
    const project = this.service.options.projects.require();
    const scope = await this.scope(input);
    const signals = queueSignals(scope.items, scope.settings);
    const cache = await this.service.cache(input.runId);
    const { record } = await this.service.run(input.runId);
    const round = record.kind === 'segmenter' ? record.labels.round : null;
    const accepted: PseudoAcceptResult['accepted'] = [];
    let skipped = 0;
    for (const { id, cams } of scope.items) {
      const signal = queueSignalOf(cams);
      const score = signals.get(id)?.[signal] ?? null;
      if (input.maxScore !== undefined && (score === null || score > input.maxScore)) {
        skipped++;
        continue;
      }
      const size = { width: cams.imageWidth, height: cams.imageHeight };
      const data = renderPseudoMask(cams, scope.settings, size);
      const revision = await asApiError(maskSaveCode, () => project.masks.save(id, { ...size, data }), `Could not save the pseudo-mask of "${id}": `);
      const { key } = cache;
      await appendProvenance(project.dir, id, {
        revision,
        source: record.kind === 'segmenter' ? 'segmenter' : 'pseudo-mask',
        runId: input.runId,
        round,
        checkpointStep: key.checkpointStep,
        checkpointSha256: key.checkpointSha256,
        ...scope.settings,
        scales: key.scales,
        flip: key.flip,
        labels: key.labels,
        labelThreshold: key.labelThreshold,
        classes: cams.classes,
        queueSignal: signal,
        queueScore: score,
        acceptedAt: new Date().toISOString(),
      });
      accepted.push({ id, revision });
    }
    return { accepted, skipped };
  }
}
