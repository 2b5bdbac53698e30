/** Paints a pseudo-mask over its guide image into a canvas (the grid's tiles). */
import type { PseudoCams, PseudoRenderSettings } from '@shared/domain/pseudo-view';
import { renderPseudoMask } from '@shared/pseudo/render';
import type { CamGrid } from '@shared/pseudo/cam-grid';
import { embeddingFromBytes } from '@shared/affinity/embedding-bytes';
import { VOID_RGB } from '../datasets/mask-colours';

export type Palette = readonly (readonly [number, number, number])[];

const grids = new WeakMap<PseudoCams, CamGrid>();

/** The cams as a CamGrid, the affinity embedding decoded once per image (the rw refiner's input). */
export function camGridOf(cams: PseudoCams): CamGrid {
  let grid = grids.get(cams);
  if (!grid) {
    grid = { ...cams, embedding: cams.embedding ? embeddingFromBytes(cams.embedding) : null };
    grids.set(cams, grid);
  }
  return grid;
}

/** Draws and returns the milliseconds spent (mask rendering + painting). */
export function drawPseudo(canvas: HTMLCanvasElement, cams: PseudoCams, settings: PseudoRenderSettings, palette: Palette, alpha = 0.55): number {
  const started = performance.now();
  const { width, height } = cams;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  const mask = renderPseudoMask(camGridOf(cams), settings);
  const image = ctx.createImageData(width, height);
  const px = image.data;
  for (let i = 0; i < width * height; i++) {
    const label = mask[i]!;
    let r = cams.guide[i * 3]!;
    let g = cams.guide[i * 3 + 1]!;
    let b = cams.guide[i * 3 + 2]!;
    if (label !== 0) {
      const [pr, pg, pb] = label === 255 ? VOID_RGB : (palette[label] ?? [255, 0, 255]); // 255: an ignore band
      r = r * (1 - alpha) + pr * alpha;
      g = g * (1 - alpha) + pg * alpha;
      b = b * (1 - alpha) + pb * alpha;
    }
    px[i * 4] = r;
    px[i * 4 + 1] = g;
    px[i * 4 + 2] = b;
    px[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return performance.now() - started;
}

/** One pending call at a time: `run` replaces any call not yet made (the refined redraw). */
export class Debounce {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly ms: number) {}

  run(action: () => void): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      action();
    }, this.ms);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
