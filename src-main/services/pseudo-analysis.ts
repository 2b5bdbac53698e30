/**
 * What is computed from a run's cam cache without the network: evaluation against the ground truth
 * (stored as `runs/<id>/eval/<name>.json` with `miou`, which the Training history lists), the
 * review queue, and accepting masks into the project (one revision each, with provenance).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PseudoAcceptInput, PseudoAcceptResult, PseudoEvalResult, PseudoQueue, PseudoRenderSettings, PseudoScopeInput } from '@shared/domain/pseudo-view';
import { PseudoRenderSettings as RenderSchema } from '@shared/domain/pseudo-view';
import { ApiError, asApiError } from '@shared/envelope';
import { maskSaveCode } from './mask-service';
import { renderPseudoMask } from '@shared/pseudo/render';
import { writeJsonAtomic } from '../fs/atomic-write';
import type { CachedCams } from '../pseudo/cam-cache';
import { cachedIds } from '../pseudo/cache-index';
import { evaluateItems, thresholdSweep, type ScoredItem } from '../pseudo/evaluate';
import { appendProvenance } from '../pseudo/provenance';
import { QUEUE_SIGNAL, queueSignals } from '../pseudo/queue';
import { spearman } from '../pseudo/stats';
import type { PseudoService } from './pseudo-service';
import { RUN_FILES, runPaths } from '../runs/run-layout';
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
    for (const id of ids) {
      const cams = await cache.read(id);
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
    // The sweep leaves the bilateral refiner out (slow); rw stays in: it walks once per image, and the threshold is its background score.
    const sweep = thresholdSweep(scored, { ...scope.settings, refine: scope.settings.refine === 'rw' ? 'rw' : 'none' }, classes.length);
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
    const classes = this.service.options.datasets.dataset().classes.length;
    const { perImage } = evaluateItems(await this.withGt(scope.items), scope.settings, classes);
    const items = scope.items
      .map(({ id }) => {
        const s = signals.get(id)!;
        return { id, score: s[QUEUE_SIGNAL], signals: s, iou: perImage.get(id) ?? null };
      })
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    const known = items.filter((it) => it.iou !== null);
    return { signal: QUEUE_SIGNAL, items, spearman: known.length >= 3 ? spearman(known.map((it) => it.score), known.map((it) => it.iou!)) : null };
  }

  async accept(input: PseudoAcceptInput): Promise<PseudoAcceptResult> {
    const project = this.service.options.projects.require();
    const scope = await this.scope(input);
    const signals = queueSignals(scope.items, scope.settings);
    const cache = await this.service.cache(input.runId);
    const accepted: PseudoAcceptResult['accepted'] = [];
    let skipped = 0;
    for (const { id, cams } of scope.items) {
      const score = signals.get(id)?.[QUEUE_SIGNAL] ?? null;
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
        source: 'pseudo-mask',
        runId: input.runId,
        checkpointStep: key.checkpointStep,
        checkpointSha256: key.checkpointSha256,
        ...scope.settings,
        scales: key.scales,
        flip: key.flip,
        labels: key.labels,
        labelThreshold: key.labelThreshold,
        classes: cams.classes,
        queueSignal: QUEUE_SIGNAL,
        queueScore: score,
        acceptedAt: new Date().toISOString(),
      });
      accepted.push({ id, revision });
    }
    return { accepted, skipped };
  }
}
