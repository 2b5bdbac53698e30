/**
 * The Konva side of the editor, with no Vue: three layers (image; mask + cam; cursor overlay)
 * sharing one view transform. The mask is an offscreen canvas holding its RGBA colours; after a
 * stroke only the stroke's dirty rectangle is recoloured and uploaded with putImageData, never the
 * whole texture, so painting stays smooth on 4096×4096 masks.
 */
import Konva from 'konva';
import type { MaskLayer } from '../model/mask-layer';
import { isEmptyRect, rectArea, type Point, type Rect } from '../model/rect';
import type { Rgb } from '../storage/mask-storage';
import { colourCam, colourMaskRect, heatmapLut, paletteLut } from './colours';
import type { Viewport } from './viewport';

export interface SceneStats {
  /** Dirty-rect uploads and the pixels they covered; full uploads happen only on open/palette change. */
  partialUploads: number;
  partialPixels: number;
  fullUploads: number;
  lastRect: Rect | null;
}

function makeCanvas(width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: false });
  if (!ctx) throw new Error('this browser cannot create a 2D canvas');
  return ctx;
}

export class MaskScene {
  readonly stage: Konva.Stage;
  readonly stats: SceneStats = { partialUploads: 0, partialPixels: 0, fullUploads: 0, lastRect: null };
  private readonly imageLayer = new Konva.Layer({ listening: false });
  private readonly maskLayer = new Konva.Layer({ listening: false });
  private readonly overlay = new Konva.Layer({ listening: false });
  private readonly imageNode = new Konva.Image({ image: undefined, visible: false });
  private readonly maskNode = new Konva.Image({ image: undefined, opacity: 0.55 });
  private readonly camNode = new Konva.Image({ image: undefined, visible: false, opacity: 0.5 });
  private readonly cursor = new Konva.Circle({ visible: false, stroke: '#ffffff', strokeWidth: 1, shadowColor: '#000', shadowBlur: 0, shadowOffset: { x: 1, y: 1 }, shadowOpacity: 0.8 });
  private readonly polygon = new Konva.Line({ visible: false, stroke: '#ffd400', strokeWidth: 1, dash: [4, 3], closed: false });
  private layer: MaskLayer | null = null;
  private maskCanvas: HTMLCanvasElement | null = null;
  private maskPixels: ImageData | null = null;
  private maskWords: Uint32Array | null = null;
  private lut = paletteLut([]);
  private camCanvas: HTMLCanvasElement | null = null;
  private view: Viewport = { scale: 1, x: 0, y: 0 };

  constructor(container: HTMLDivElement, width: number, height: number) {
    this.stage = new Konva.Stage({ container, width: Math.max(1, width), height: Math.max(1, height) });
    this.maskLayer.imageSmoothingEnabled(false);
    this.imageLayer.add(this.imageNode);
    this.maskLayer.add(this.maskNode, this.camNode);
    this.overlay.add(this.polygon, this.cursor);
    this.stage.add(this.imageLayer, this.maskLayer, this.overlay);
  }

  get viewport(): Viewport {
    return { ...this.view };
  }

  get size(): { width: number; height: number } {
    return { width: this.stage.width(), height: this.stage.height() };
  }

  /** Shows a new mask: allocates its RGBA canvas and colours it once. */
  setMask(layer: MaskLayer, palette: readonly Rgb[]): void {
    this.layer = layer;
    this.lut = paletteLut(palette);
    this.maskCanvas = makeCanvas(layer.width, layer.height);
    this.maskPixels = new ImageData(layer.width, layer.height);
    this.maskWords = new Uint32Array(this.maskPixels.data.buffer);
    this.maskNode.image(this.maskCanvas);
    layer.takeDirty();
    this.upload(layer.bounds, true);
  }

  setPalette(palette: readonly Rgb[]): void {
    this.lut = paletteLut(palette);
    if (this.layer) this.upload(this.layer.bounds, true);
  }

  /** Recolours and uploads only what changed since the last flush; returns that rect. */
  flush(): Rect | null {
    if (!this.layer) return null;
    const rect = this.layer.takeDirty();
    if (isEmptyRect(rect)) return null;
    this.upload(rect, false);
    return rect;
  }

  setImage(source: CanvasImageSource | null, width: number, height: number): void {
    this.imageNode.setAttrs({ image: source ?? undefined, visible: source !== null, width, height });
    this.imageLayer.batchDraw();
  }

  /** The cam heatmap for the selected class (null hides it). */
  setCam(cam: Float32Array | null): void {
    if (!cam || !this.layer) {
      this.camNode.visible(false);
      this.maskLayer.batchDraw();
      return;
    }
    const { width, height } = this.layer;
    if (cam.length !== width * height) throw new Error('cam size does not match the mask');
    this.camCanvas ??= makeCanvas(width, height);
    if (this.camCanvas.width !== width || this.camCanvas.height !== height) this.camCanvas = makeCanvas(width, height);
    const pixels = new ImageData(width, height);
    colourCam(cam, heatmapLut(), new Uint32Array(pixels.data.buffer));
    context2d(this.camCanvas).putImageData(pixels, 0, 0);
    this.camNode.setAttrs({ image: this.camCanvas, visible: true });
    this.maskLayer.batchDraw();
  }

  setMaskStyle(opacity: number, visible: boolean, camOpacity: number): void {
    this.maskNode.opacity(opacity);
    this.maskNode.visible(visible);
    this.camNode.opacity(camOpacity);
    this.maskLayer.batchDraw();
  }

  setViewport(v: Viewport): void {
    this.view = { ...v };
    for (const layer of [this.imageLayer, this.maskLayer, this.overlay]) {
      layer.position({ x: v.x, y: v.y });
      layer.scale({ x: v.scale, y: v.scale });
    }
    // Photos look better smoothed when shrunk; pixels are what one edits when enlarged.
    this.imageLayer.imageSmoothingEnabled(v.scale < 2);
    this.cursor.strokeWidth(1.5 / v.scale);
    this.polygon.strokeWidth(1.5 / v.scale);
    this.polygon.dash([6 / v.scale, 4 / v.scale]);
    this.stage.batchDraw();
  }

  resize(width: number, height: number): void {
    this.stage.size({ width: Math.max(1, width), height: Math.max(1, height) });
    this.stage.batchDraw();
  }

  /** The brush outline (image coordinates), or null to hide it. */
  setCursor(centre: Point | null, radius: number): void {
    this.cursor.setAttrs(centre ? { visible: true, x: centre.x, y: centre.y, radius } : { visible: false });
    this.overlay.batchDraw();
  }

  /** An unfinished polygon, with a rubber band to the pointer. */
  setPolygon(points: readonly Point[], pointer: Point | null): void {
    const all = pointer && points.length > 0 ? [...points, pointer] : points;
    this.polygon.points(all.flatMap((p) => [p.x, p.y]));
    this.polygon.visible(all.length > 0);
    this.overlay.batchDraw();
  }

  destroy(): void {
    this.stage.destroy();
  }

  private upload(rect: Rect, full: boolean): void {
    const { layer, maskCanvas, maskPixels, maskWords } = this;
    if (!layer || !maskCanvas || !maskPixels || !maskWords) return;
    colourMaskRect(layer.data, layer.width, rect, this.lut, maskWords);
    context2d(maskCanvas).putImageData(maskPixels, 0, 0, rect.x0, rect.y0, rect.x1 - rect.x0, rect.y1 - rect.y0);
    if (full) this.stats.fullUploads++;
    else {
      this.stats.partialUploads++;
      this.stats.partialPixels += rectArea(rect);
    }
    this.stats.lastRect = { ...rect };
    this.maskLayer.batchDraw();
  }
}
