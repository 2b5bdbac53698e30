/**
 * Score a trained EaderModel on a split (for the recipe research): val BCE against the label
 * prior of the train split, cam mIoU over a threshold sweep (multi-scale / flip cams, the engine's
 * pseudo-mask rule), and the same after PAR (parRefineCams), with CPU ms per image.
 */
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import { parRefineCams } from '@shared/pseudo/par';
import { loadGtMask, loadImage } from '../../src-main/datasets/load';
import { ConfusionMatrix, imageToTensor, multiScaleCams, pseudoMask, type EaderModel } from '../../src-main/engine';

export const THRESHOLDS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5];

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export const splitOf = (index: DatasetIndex, name: string): ImageRecord[] =>
  index.images.filter((r) => r.splits.includes(name) && r.labels.length > 0).sort((x, y) => (x.id < y.id ? -1 : 1));

/** BCE of predicting each class's frequency in `train` (the "learned nothing" line). */
export function labelPrior(train: readonly ImageRecord[], K: number): number {
  const freq = new Float64Array(K);
  for (const r of train) for (const c of r.labels) freq[c - 1]! += 1 / train.length;
  return Array.from(freq).reduce((s, p) => s - (p * Math.log(Math.max(p, 1e-6)) + (1 - p) * Math.log(Math.max(1 - p, 1e-6))), 0) / K;
}

export interface CamScores {
  valBce: number;
  cam30: number;
  camBest: number;
  camThreshold: number;
  par30: number;
  parBest: number;
  parThreshold: number;
  camMsPerImage: number;
  parMsPerImage: number;
  camSweep: number[];
  parSweep: number[];
}

export async function scoreCams(model: EaderModel, index: DatasetIndex, val: readonly ImageRecord[], inputSize: number, scales: readonly number[], flip: boolean): Promise<CamScores> {
  const K = index.classes.length - 1;
  const camConf = THRESHOLDS.map(() => new ConfusionMatrix(K + 1));
  const parConf = THRESHOLDS.map(() => new ConfusionMatrix(K + 1));
  let bceSum = 0;
  let camCpu = 0;
  let parCpu = 0;
  for (const r of val) {
    const rgb = await loadImage(index, r.id);
    const gt = await loadGtMask(index, r.id);
    const x = imageToTensor(rgb, { width: inputSize, height: inputSize }); // [1,S,S,3]
    const probs = model.predict(x);
    x.dispose();
    for (let k = 0; k < K; k++) {
      const y = r.labels.includes(k + 1) ? 1 : 0;
      const p = Math.min(1 - 1e-7, Math.max(1e-7, probs[k]!));
      bceSum -= (y * Math.log(p) + (1 - y) * Math.log(1 - p)) / K;
    }
    if (!gt) continue;
    let c0 = cpuSeconds();
    const cams = multiScaleCams(model, rgb, r.labels.map((c) => c - 1), { scales, flip });
    camCpu += cpuSeconds() - c0;
    c0 = cpuSeconds();
    const refined = parRefineCams(cams.map((c) => c.cam), rgb.data, rgb.width, rgb.height);
    parCpu += cpuSeconds() - c0;
    THRESHOLDS.forEach((t, i) => {
      camConf[i]!.add(gt.data, pseudoMask(cams, rgb.width, rgb.height, t));
      parConf[i]!.add(gt.data, pseudoMask(cams.map((c, j) => ({ classIndex: c.classIndex, cam: refined[j]! })), rgb.width, rgb.height, t));
    });
  }
  const miou = (m: ConfusionMatrix[]): number[] => m.map((c) => +(c.scores().miou ?? 0).toFixed(4));
  const best = (xs: number[]): { value: number; threshold: number } => xs.reduce((b, v, i) => (v > b.value ? { value: v, threshold: THRESHOLDS[i]! } : b), { value: -1, threshold: 0 });
  const cam = miou(camConf);
  const par = miou(parConf);
  const at30 = THRESHOLDS.indexOf(0.3);
  return {
    valBce: +(bceSum / val.length).toFixed(4),
    cam30: cam[at30]!,
    camBest: best(cam).value,
    camThreshold: best(cam).threshold,
    par30: par[at30]!,
    parBest: best(par).value,
    parThreshold: best(par).threshold,
    camMsPerImage: +((1000 * camCpu) / val.length).toFixed(1),
    parMsPerImage: +((1000 * parCpu) / val.length).toFixed(1),
    camSweep: cam,
    parSweep: par,
  };
}
