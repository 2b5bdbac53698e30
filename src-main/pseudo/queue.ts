/**
 * The review queue: images ranked by how likely their pseudo-mask is wrong, from the cam cache
 * alone (no ground truth). Four signals are computed per image; `QUEUE_SIGNAL` names the one the
 * queue sorts by (docs/pseudo-masks.md gives the measured rank correlation of each with the true
 * per-image IoU on the demo val set, which is how it was chosen).
 *  - instability: pixels whose label changes when the threshold moves by ±0.1, per foreground pixel;
 *  - entropy: mean normalised entropy of softmax(τ·[threshold, cams…]) over the image;
 *  - area: mean over the image's classes of |ln((area + ε)/(class median area + ε))|;
 *  - confidence: 1 − the lowest localizer probability among the image's classes.
 */
import { dequantise } from '@shared/pseudo/cam-grid';
import { renderPseudoMask, type RenderSettings } from '@shared/pseudo/render';
import type { CachedCams } from './cam-cache';

export const QUEUE_SIGNALS = ['instability', 'entropy', 'area', 'confidence'] as const;
export type QueueSignal = (typeof QUEUE_SIGNALS)[number];
export const QUEUE_SIGNAL: QueueSignal = 'entropy';

export type SignalValues = Record<QueueSignal, number>;

const TAU = 10;
const AREA_EPS = 0.005;

/** Signals that need only the image itself (area is filled in by queueSignals). */
export function imageSignals(cams: CachedCams, withBand: RenderSettings): { signals: Omit<SignalValues, 'area'>; areas: Map<number, number> } {
  const settings = { ...withBand, ignoreBand: null }; // the signals judge the committed labels
  const n = cams.width * cams.height;
  const mask = renderPseudoMask(cams, settings);
  const lower = renderPseudoMask(cams, { ...settings, threshold: Math.max(0, settings.threshold - 0.1) });
  const upper = renderPseudoMask(cams, { ...settings, threshold: Math.min(1, settings.threshold + 0.1) });
  let flips = 0;
  let foreground = 0;
  for (let i = 0; i < n; i++) {
    if (lower[i] !== upper[i]) flips++;
    if (mask[i] !== 0) foreground++;
  }
  const planes = dequantise(cams);
  let entropy = 0;
  if (planes.length > 0) {
    const L = planes.length + 1;
    const e = new Float64Array(L);
    for (let i = 0; i < n; i++) {
      let max = settings.threshold;
      for (const p of planes) max = Math.max(max, p[i]!);
      let sum = (e[0] = Math.exp(TAU * (settings.threshold - max)));
      planes.forEach((p, k) => (sum += e[k + 1] = Math.exp(TAU * (p[i]! - max))));
      let h = 0;
      for (let l = 0; l < L; l++) {
        const q = e[l]! / sum;
        if (q > 0) h -= q * Math.log(q);
      }
      entropy += h / Math.log(L);
    }
    entropy /= n;
  }
  const areas = new Map<number, number>(cams.classes.map((c) => [c, 0]));
  for (const v of mask) if (v !== 0) areas.set(v, (areas.get(v) ?? 0) + 1);
  for (const [c, count] of areas) areas.set(c, count / n);
  const probs = cams.probs.map((p) => (Number.isFinite(p) ? p : 0.5));
  return {
    signals: { instability: flips / Math.max(1, foreground), entropy, confidence: probs.length > 0 ? 1 - Math.min(...probs) : 0 },
    areas,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** All four signals for a set of images (the area signal compares each class with its median over the set). */
export function queueSignals(items: { id: string; cams: CachedCams }[], settings: RenderSettings): Map<string, SignalValues> {
  const partial = items.map(({ id, cams }) => ({ id, ...imageSignals(cams, settings) }));
  const byClass = new Map<number, number[]>();
  for (const { areas } of partial) for (const [c, a] of areas) byClass.set(c, [...(byClass.get(c) ?? []), a]);
  const medians = new Map([...byClass].map(([c, list]) => [c, median(list)]));
  const out = new Map<string, SignalValues>();
  for (const { id, signals, areas } of partial) {
    let area = 0;
    for (const [c, a] of areas) area += Math.abs(Math.log((a + AREA_EPS) / ((medians.get(c) ?? 0) + AREA_EPS)));
    out.set(id, { ...signals, area: areas.size > 0 ? area / areas.size : 0 });
  }
  return out;
}
