/**
 * A class-index mask in memory: one byte per pixel, 0 = background, 255 = void, 1..254 = classes.
 * Every write goes through `touch(rect)` first, which marks the rect dirty for the renderer and,
 * while a stroke is being recorded, backs up the tiles it is about to change. No DOM, no Konva.
 */
import { clampRect, EMPTY_RECT, isEmptyRect, type Rect } from './rect';
import { StrokeRecorder, type Patch } from './stroke-recorder';

export const BACKGROUND = 0;
export const VOID = 255;

export class MaskLayer {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  private dirty: Rect = { ...EMPTY_RECT };
  private recorder: StrokeRecorder | null = null;
  private isRecording = false;
  /** Counts `touch` calls that covered pixels: a cheap "did anything get written" check. */
  writes = 0;

  constructor(width: number, height: number, data?: Uint8Array) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new Error(`mask size must be positive integers, got ${width}×${height}`);
    }
    if (data && data.length !== width * height) {
      throw new Error(`mask data has ${data.length} bytes, expected ${width}×${height} = ${width * height}`);
    }
    this.width = width;
    this.height = height;
    this.data = data ?? new Uint8Array(width * height);
  }

  get bounds(): Rect {
    return { x0: 0, y0: 0, x1: this.width, y1: this.height };
  }

  contains(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < this.width && y < this.height;
  }

  /** The class at a (fractional) image point, or -1 outside the image. */
  valueAt(x: number, y: number): number {
    const px = Math.floor(x);
    const py = Math.floor(y);
    return this.contains(px, py) ? this.data[py * this.width + px]! : -1;
  }

  /** Announces a write inside `rect`; returns the clamped rect (possibly empty). Call before writing. */
  touch(rect: Rect): Rect {
    const r = clampRect(rect, this.width, this.height);
    if (!isEmptyRect(r)) this.touchClamped(r.x0, r.y0, r.x1, r.y1);
    return r;
  }

  /** touch() for one row run [x0, x1) already inside the image, without allocating (hot loops). */
  touchSpan(y: number, x0: number, x1: number): void {
    if (x1 > x0) this.touchClamped(x0, y, x1, y + 1);
  }

  private touchClamped(x0: number, y0: number, x1: number, y1: number): void {
    if (this.isRecording) this.recorder?.backup(x0, y0, x1, y1);
    this.writes++;
    const d = this.dirty;
    if (d.x1 <= d.x0 || d.y1 <= d.y0) {
      d.x0 = x0;
      d.y0 = y0;
      d.x1 = x1;
      d.y1 = y1;
      return;
    }
    if (x0 < d.x0) d.x0 = x0;
    if (y0 < d.y0) d.y0 = y0;
    if (x1 > d.x1) d.x1 = x1;
    if (y1 > d.y1) d.y1 = y1;
  }

  /** The region changed since the last call (for the renderer), then forgets it. */
  takeDirty(): Rect {
    const r = this.dirty;
    this.dirty = { ...EMPTY_RECT };
    return r;
  }

  peekDirty(): Rect {
    return { ...this.dirty };
  }

  readRect(rect: Rect): Uint8Array {
    const w = rect.x1 - rect.x0;
    const out = new Uint8Array(w * (rect.y1 - rect.y0));
    for (let y = rect.y0; y < rect.y1; y++) {
      const start = y * this.width + rect.x0;
      out.set(this.data.subarray(start, start + w), (y - rect.y0) * w);
    }
    return out;
  }

  /** Writes bytes read by `readRect` back (history undo/redo); marks the rect dirty. */
  writeRect(rect: Rect, bytes: Uint8Array): void {
    const w = rect.x1 - rect.x0;
    if (bytes.length !== w * (rect.y1 - rect.y0)) throw new Error('patch size does not match its rectangle');
    this.touch(rect);
    for (let y = rect.y0; y < rect.y1; y++) {
      const row = (y - rect.y0) * w;
      this.data.set(bytes.subarray(row, row + w), y * this.width + rect.x0);
    }
  }

  get recording(): boolean {
    return this.isRecording;
  }

  /** Starts recording one undoable edit (a stroke, a fill). The recorder's shadow buffer is reused. */
  beginRecording(): void {
    this.recorder ??= new StrokeRecorder(this.width, this.height, this.data);
    this.recorder.begin();
    this.isRecording = true;
  }

  /** Ends the edit: the before/after bytes of the bounding box of the pixels that really changed, or null. */
  endRecording(): Patch | null {
    if (!this.isRecording || !this.recorder) return null;
    this.isRecording = false;
    return this.recorder.finish();
  }

  /** Bytes held: the mask plus, once anything was recorded, the recorder's shadow copy. */
  get memoryBytes(): number {
    return this.data.byteLength * (this.recorder ? 2 : 1);
  }

  clone(): MaskLayer {
    return new MaskLayer(this.width, this.height, this.data.slice());
  }
}
