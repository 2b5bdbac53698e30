/**
 * The review queue of a run's cached masks (the app's own code: pseudo/queue.ts), and how well each
 * signal ranks the images by their true per-image IoU (Spearman, as docs/pseudo-masks.md measures).
 */
import { openDataset, readGtMask } from '../../../src-main/datasets/open-dataset';
import { cachedIds, currentCache } from '../../../src-main/pseudo/cache-index';
import { imageIou } from '../../../src-main/pseudo/image-metrics';
import { QUEUE_SIGNALS, queueSignalOf, queueSignals, type QueueSignal } from '../../../src-main/pseudo/queue';
import { spearman } from '../../../src-main/pseudo/stats';
import { renderPseudoMask } from '../../../src-shared/pseudo/render';

const SETTINGS = { threshold: 0.3, refine: 'none', keepLargest: false, ignoreBand: null } as const;

export interface RankedQueue {
  /** Image ids, worst first. */
  ids: string[];
  signal: QueueSignal;
  /** Spearman of each signal with the true per-image IoU (negative: a high score means a low IoU). */
  spearman: Record<QueueSignal, number | null>;
}

export async function rankedQueue(runDir: string, dataset: string, ids: readonly string[]): Promise<RankedQueue> {
  const cache = await currentCache(runDir);
  if (!cache) throw new Error(`${runDir} has no cached masks`);
  const have = new Set(await cachedIds(cache));
  const items = [];
  for (const id of ids) if (have.has(id)) items.push({ id, cams: (await cache.read(id, null))! }); // refine none: no guide
  const signals = queueSignals(items, SETTINGS);
  const signal = queueSignalOf(items[0]!.cams);
  const index = await openDataset(dataset);
  const iou = new Map<string, number>();
  for (const { id, cams } of items) {
    const gt = await readGtMask(index, id);
    if (!gt) continue;
    const value = imageIou(gt.data, renderPseudoMask(cams, SETTINGS, gt), index.classes.length);
    if (value !== null) iou.set(id, value);
  }
  const known = items.filter((it) => iou.has(it.id));
  const rho = Object.fromEntries(QUEUE_SIGNALS.map((s) => [s, spearman(known.map((it) => signals.get(it.id)![s]), known.map((it) => iou.get(it.id)!))])) as Record<QueueSignal, number | null>;
  const ranked = [...items].sort((a, b) => signals.get(b.id)![signal] - signals.get(a.id)![signal] || (a.id < b.id ? -1 : 1)).map((it) => it.id);
  return { ids: ranked, signal, spearman: rho };
}
