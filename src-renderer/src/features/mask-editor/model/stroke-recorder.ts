/**
 * Records the "before" state of one edit lazily, tile by tile: the first time a stroke touches a
 * 64×64 tile, that tile is copied. At the end only the bounding box of the pixels that really
 * changed is kept, as before/after byte patches — the history never stores a whole mask.
 */
import type { Rect } from './rect';

export const TILE = 64;

/** One undoable change: the bytes of `rect` before and after it. */
export interface Patch {
  rect: Rect;
  before: Uint8Array;
  after: Uint8Array;
}

export class StrokeRecorder {
  private readonly tilesX: number;
  private readonly tiles = new Map<number, Uint8Array>();

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly data: Uint8Array,
  ) {
    this.tilesX = Math.ceil(width / TILE);
  }

  /** Copies every not-yet-saved tile that `rect` (already clamped) overlaps. */
  backup(rect: Rect): void {
    const tx1 = (rect.x1 - 1) >> 6;
    const ty1 = (rect.y1 - 1) >> 6;
    for (let ty = rect.y0 >> 6; ty <= ty1; ty++) {
      for (let tx = rect.x0 >> 6; tx <= tx1; tx++) {
        const key = ty * this.tilesX + tx;
        if (!this.tiles.has(key)) this.tiles.set(key, this.copyTile(tx, ty));
      }
    }
  }

  finish(): Patch | null {
    const rect = this.changedBounds();
    if (!rect) return null;
    const w = rect.x1 - rect.x0;
    const h = rect.y1 - rect.y0;
    const after = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      const start = (rect.y0 + y) * this.width + rect.x0;
      after.set(this.data.subarray(start, start + w), y * w);
    }
    const before = after.slice();
    for (const [key, saved] of this.tiles) {
      const { x0, y0, x1, y1, tw } = this.tileRect(key);
      const ix0 = Math.max(x0, rect.x0);
      const ix1 = Math.min(x1, rect.x1);
      const iy0 = Math.max(y0, rect.y0);
      const iy1 = Math.min(y1, rect.y1);
      if (ix1 <= ix0 || iy1 <= iy0) continue;
      for (let y = iy0; y < iy1; y++) {
        const src = (y - y0) * tw + (ix0 - x0);
        before.set(saved.subarray(src, src + (ix1 - ix0)), (y - rect.y0) * w + (ix0 - rect.x0));
      }
    }
    return { rect, before, after };
  }

  private changedBounds(): Rect | null {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -1;
    let maxY = -1;
    for (const [key, saved] of this.tiles) {
      const { x0, y0, x1, y1, tw } = this.tileRect(key);
      for (let y = y0; y < y1; y++) {
        const row = y * this.width;
        const srow = (y - y0) * tw - x0;
        for (let x = x0; x < x1; x++) {
          if (this.data[row + x] !== saved[srow + x]) {
            if (x < minX) minX = x;
            if (x > maxX) maxX = x;
            if (y < minY) minY = y;
            if (y > maxY) maxY = y;
          }
        }
      }
    }
    return maxX < 0 ? null : { x0: minX, y0: minY, x1: maxX + 1, y1: maxY + 1 };
  }

  private tileRect(key: number): { x0: number; y0: number; x1: number; y1: number; tw: number } {
    const x0 = (key % this.tilesX) * TILE;
    const y0 = Math.floor(key / this.tilesX) * TILE;
    const x1 = Math.min(x0 + TILE, this.width);
    const y1 = Math.min(y0 + TILE, this.height);
    return { x0, y0, x1, y1, tw: x1 - x0 };
  }

  private copyTile(tx: number, ty: number): Uint8Array {
    const { x0, y0, x1, y1, tw } = this.tileRect(ty * this.tilesX + tx);
    const out = new Uint8Array(tw * (y1 - y0));
    for (let y = y0; y < y1; y++) out.set(this.data.subarray(y * this.width + x0, y * this.width + x1), (y - y0) * tw);
    return out;
  }
}
