/**
 * The review queue: images ranked by how likely their mask is wrong, from the cache alone (no
 * ground truth). Five signals are computed per image; the queue sorts by the one its source's
 * measurements chose (`queueSignalOf`; docs/pseudo-masks.md and docs/segmenter.md give the rank
 * correlation of each with the true per-image IoU on the demo set).
 * For cams (a localizer run), over the distribution softmax(τ·[threshold, cams…]) of each pixel:
 *  - instability: pixels whose label changes when the threshold moves by ±0.1, per foreground pixel;
 *  - entropy: its mean normalised entropy over the image;
 *  - margin: the mean of 1 − (best − second best);
 *  - area: mean over the image's classes of |ln((area + ε)/(class median area + ε))|;
 *  - confidence: 1 − the lowest localizer probability among the image's classes.
 * For a segmenter's predictions the distribution is the network's own softmax (background, the
 * image's classes, and the rest of the mass as one more bucket); instability counts the pixels whose
 * argmax changes when the background probability is scaled by 0.8 or 1.25; confidence uses each
 * class's highest pixel probability.
 */
import { dequantise, dequantiseBackground } from '@shared/pseudo/cam-grid';
import { renderPseudoMask, type RenderSettings } from '@shared/pseudo/render';
import type { CachedCams } from './cam-cache';

export const QUEUE_SIGNALS = ['instability', 'entropy', 'margin', 'area', 'confidence'] as const;
export type QueueSignal = (typeof QUEUE_SIGNALS)[number];
/** The signal the queue of cams sorts by (measured: docs/pseudo-masks.md). */
export const QUEUE_SIGNAL: QueueSignal = 'entropy';
/** The signal the queue of a segmenter's predictions sorts by (measured: docs/segmenter.md). */
export const PREDICTION_QUEUE_SIGNAL: QueueSignal = 'entropy';

/** The queue's signal for a cache record: cams or a prediction. */
export const queueSignalOf = (cams: Pick<CachedCams, 'background'>): QueueSignal => (cams.background ? PREDICTION_QUEUE_SIGNAL : QUEUE_SIGNAL);

export type SignalValues = Record<QueueSignal, number>;

const TAU = 10;
const AREA_EPS = 0.005;

/** Per pixel: normalised entropy and 1 − top-2 margin of a distribution given by `fill` (which writes L values). */
function spread(n: number, L: number, fill: (i: number, out: Float64Array) => void): { entropy: number; margin: number } {
  const q = new Float64Array(L);
  let entropy = 0;
  let margin = 0;
  const norm = Math.log(L);
  for (let i = 0; i < n; i++) {
    fill(i, q);
    let h = 0;
    let first = 0;
    let second = 0;
    for (let l = 0; l < L; l++) {
      const v = q[l]!;
      if (v > 0) h -= v * Math.log(v);
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) second = v;
    }
    entropy += L > 1 ? h / norm : 0;
    margin += 1 - (first - second);
  }
  return { entropy: entropy / n, margin: margin / n };
}

/** Signals that need only the image itself (area is filled in by queueSignals). */
export function imageSignals(cams: CachedCams, withBand: RenderSettings): { signals: Omit<SignalValues, 'area'>; areas: Map<number, number> } {
  const settings = { ...withBand, ignoreBand: null }; // the signals judge the committed labels
  const n = cams.width * cams.height;
  const mask = renderPseudoMask(cams, settings);
  const planes = dequantise(cams);
  const background = dequantiseBackground(cams);
  let flips = 0;
  let foreground = 0;
  let entropy = 0;
  let margin = 0;
  if (background) {
    const lower = renderPseudoMask({ ...cams, background: Uint8Array.from(cams.background!, (v) => Math.min(255, Math.round(v * 0.8))) }, settings);
    const upper = renderPseudoMask({ ...cams, background: Uint8Array.from(cams.background!, (v) => Math.min(255, Math.round(v * 1.25))) }, settings);
    for (let i = 0; i < n; i++) if (lower[i] !== upper[i]) flips++;
    const L = planes.length + 2; // background, the classes, the rest
    ({ entropy, margin } = spread(n, L, (i, q) => {
      let sum = (q[0] = background[i]!);
      planes.forEach((p, k) => (sum += q[k + 1] = p[i]!));
      q[L - 1] = Math.max(0, 1 - sum);
    }));
  } else {
    const lower = renderPseudoMask(cams, { ...settings, threshold: Math.max(0, settings.threshold - 0.1) });
    const upper = renderPseudoMask(cams, { ...settings, threshold: Math.min(1, settings.threshold + 0.1) });
    for (let i = 0; i < n; i++) if (lower[i] !== upper[i]) flips++;
    if (planes.length > 0) {
      const L = planes.length + 1;
      ({ entropy, margin } = spread(n, L, (i, q) => {
        let max = settings.threshold;
        for (const p of planes) max = Math.max(max, p[i]!);
        let sum = (q[0] = Math.exp(TAU * (settings.threshold - max)));
        planes.forEach((p, k) => (sum += q[k + 1] = Math.exp(TAU * (p[i]! - max))));
        for (let l = 0; l < L; l++) q[l]! /= sum;
      }));
    }
  }
  for (let i = 0; i < n; i++) if (mask[i] !== 0) foreground++;
  const areas = new Map<number, number>(cams.classes.map((c) => [c, 0]));
  for (const v of mask) if (v !== 0) areas.set(v, (areas.get(v) ?? 0) + 1);
  for (const [c, count] of areas) areas.set(c, count / n);
  const probs = cams.probs.map((p) => (Number.isFinite(p) ? p : 0.5));
  return {
    signals: { instability: flips / Math.max(1, foreground), entropy, margin, confidence: probs.length > 0 ? 1 - Math.min(...probs) : 0 },
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
