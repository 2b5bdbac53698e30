/** Formatting of segmentation scores (the engine's ConfusionMatrix computes them). */
import type { SegmentationScores } from '../engine/metrics';
import { terminalSafe } from './print';

export interface EvalReport {
  split: string;
  images: number;
  missing: string[];
  miou: number | null;
  pixelAccuracy: number | null;
  /** Scored pixels, and non-void GT pixels the predictions left at 255 (an ignore band). */
  pixels: number;
  unscored: number;
  perClass: { classIndex: number; name: string; iou: number | null; precision: number | null; recall: number | null; support: number }[];
}

export function buildReport(scores: SegmentationScores, classes: readonly string[], split: string, images: number, missing: string[]): EvalReport {
  return {
    split,
    images,
    missing,
    miou: scores.miou,
    pixelAccuracy: scores.pixelAccuracy,
    pixels: scores.pixels,
    unscored: scores.unscored,
    perClass: scores.perClass.map((c) => ({ ...c, name: classes[c.classIndex] ?? `class ${c.classIndex}` })),
  };
}

const pct = (v: number | null): string => (v === null ? '    —' : (v * 100).toFixed(1).padStart(5));

export function formatReport(report: EvalReport): string {
  const names = report.perClass.map((c) => terminalSafe(c.name));
  const width = Math.max(12, ...names.map((n) => n.length));
  const lines = [`${'class'.padEnd(width)}    IoU   prec    rec`];
  for (const [i, c] of report.perClass.entries()) lines.push(`${names[i]!.padEnd(width)}  ${pct(c.iou)}  ${pct(c.precision)}  ${pct(c.recall)}`);
  lines.push('-'.repeat(width + 23));
  lines.push(`${'mIoU'.padEnd(width)}  ${pct(report.miou)}`);
  lines.push(`${'pixel acc.'.padEnd(width)}  ${pct(report.pixelAccuracy)}`);
  let note = `${report.images} ${report.split} images; background counts in the mean; void (255) pixels ignored`;
  if (report.unscored > 0) note += `; ${report.unscored} pixels predicted 255 (ignore) left unscored (${((100 * report.unscored) / (report.unscored + report.pixels)).toFixed(1)}%)`;
  if (report.missing.length > 0) note += `; ${report.missing.length} images without a prediction scored as all background`;
  lines.push(`(${note})`);
  return lines.join('\n');
}
