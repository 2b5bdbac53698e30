/**
 * Records the "before" state of one edit lazily, tile by tile: the first time an edit touches a
 * 64×64 tile, that tile's bytes are copied into a shadow buffer (allocated once per mask and
 * reused by every edit). At the end only the bounding box of the pixels that really changed is
 * kept, as before/after byte patches — the history never stores a whole mask unless a whole mask
 * changed.
 */
import type { Rect } from './rect';

export const TILE = 64;
const SHIFT = 6;

/** One undoable change: the bytes of `rect` before and after it. */
export interface Patch {
  rect: Rect;
  before: Uint8Array;
  after: Uint8Array;
}

export class StrokeRecorder {
  private readonly tilesX: number;
  private readonly saved: Uint8Array;
  private readonly shadow: Uint8Array;
  private touched: number[] = [];

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly data: Uint8Array,
  ) {
    this.tilesX = Math.ceil(width / TILE);
    this.saved = new Uint8Array(this.tilesX * Math.ceil(height / TILE));
    this.shadow = new Uint8Array(width * height);
  }

  /** Forgets the previous edit's tiles (their shadow bytes are simply overwritten later). */
  begin(): void {
    for (const key of this.touched) this.saved[key] = 0;
    this.touched = [];
  }

  /** Copies every not-yet-saved tile that [rx0, rx1) × [ry0, ry1) (inside the image) overlaps into the shadow. */
  backup(rx0: number, ry0: number, rx1: number, ry1: number): void {
    const ty1 = (ry1 - 1) >> SHIFT;
    const tx1 = (rx1 - 1) >> SHIFT;
    for (let ty = ry0 >> SHIFT; ty <= ty1; ty++) {
      let tx = rx0 >> SHIFT;
      while (tx <= tx1) {
        // Copy each run of consecutive unsaved tiles in this tile row with one set() per pixel row.
        if (this.saved[ty * this.tilesX + tx]) {
          tx++;
          continue;
        }
        const start = tx;
        while (tx <= tx1 && !this.saved[ty * this.tilesX + tx]) {
          this.saved[ty * this.tilesX + tx] = 1;
          this.touched.push(ty * this.tilesX + tx);
          tx++;
        }
        const x0 = start << SHIFT;
        const x1 = Math.min(tx << SHIFT, this.width);
        const y1 = Math.min((ty + 1) << SHIFT, this.height);
        if (x0 === 0 && x1 === this.width) {
          this.shadow.set(this.data.subarray((ty << SHIFT) * this.width, y1 * this.width), (ty << SHIFT) * this.width);
        } else {
          for (let y = ty << SHIFT; y < y1; y++) this.shadow.set(this.data.subarray(y * this.width + x0, y * this.width + x1), y * this.width + x0);
        }
      }
    }
  }

  finish(): Patch | null {
    const rect = this.changedBounds();
    if (!rect) return null;
    return { rect, before: this.read(this.shadow, rect), after: this.read(this.data, rect) };
  }

  private read(source: Uint8Array, rect: Rect): Uint8Array {
    const w = rect.x1 - rect.x0;
    const out = new Uint8Array(w * (rect.y1 - rect.y0));
    for (let y = rect.y0; y < rect.y1; y++) out.set(source.subarray(y * this.width + rect.x0, y * this.width + rect.x1), (y - rect.y0) * w);
    return out;
  }

  /** Bounding box of bytes that differ from the shadow, over the saved tiles only. */
  private changedBounds(): Rect | null {
    let minX = this.width;
    let minY = this.height;
    let maxX = -1;
    let maxY = -1;
    const { data, shadow, width } = this;
    for (const key of this.touched) {
      const x0 = (key % this.tilesX) << SHIFT;
      const y0 = Math.floor(key / this.tilesX) << SHIFT;
      const x1 = Math.min(x0 + TILE, width);
      const y1 = Math.min(y0 + TILE, this.height);
      for (let y = y0; y < y1; y++) {
        const row = y * width;
        // Leftmost difference, then rightmost: two short scans for a changed row.
        let x = x0;
        while (x < x1 && data[row + x] === shadow[row + x]) x++;
        if (x === x1) continue;
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
        let r = x1 - 1;
        while (r > x && data[row + r] === shadow[row + r]) r--;
        if (r > maxX) maxX = r;
      }
    }
    return maxX < 0 ? null : { x0: minX, y0: minY, x1: maxX + 1, y1: maxY + 1 };
  }
}
