/** PNG scanline filters (RFC 2083 §6): undo all five on decode; choose one per row on encode. */
import { PngError } from './png-chunks';

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Undo the filters of one pass. `data` holds `rows` scanlines of `1 + rowBytes` bytes each
 * (filter byte first); `bpp` is bytes per complete pixel (at least 1). Returns rows × rowBytes.
 */
export function unfilter(data: Uint8Array, rows: number, rowBytes: number, bpp: number): Uint8Array {
  const out = new Uint8Array(rows * rowBytes);
  for (let y = 0; y < rows; y++) {
    const src = y * (rowBytes + 1);
    const filter = data[src]!;
    const line = src + 1;
    const cur = y * rowBytes;
    const prev = cur - rowBytes; // only read when y > 0
    switch (filter) {
      case 0:
        out.set(data.subarray(line, line + rowBytes), cur);
        break;
      case 1:
        for (let x = 0; x < rowBytes; x++) {
          const left = x >= bpp ? out[cur + x - bpp]! : 0;
          out[cur + x] = (data[line + x]! + left) & 0xff;
        }
        break;
      case 2:
        for (let x = 0; x < rowBytes; x++) {
          const up = y > 0 ? out[prev + x]! : 0;
          out[cur + x] = (data[line + x]! + up) & 0xff;
        }
        break;
      case 3:
        for (let x = 0; x < rowBytes; x++) {
          const left = x >= bpp ? out[cur + x - bpp]! : 0;
          const up = y > 0 ? out[prev + x]! : 0;
          out[cur + x] = (data[line + x]! + ((left + up) >> 1)) & 0xff;
        }
        break;
      case 4:
        for (let x = 0; x < rowBytes; x++) {
          const left = x >= bpp ? out[cur + x - bpp]! : 0;
          const up = y > 0 ? out[prev + x]! : 0;
          const upLeft = y > 0 && x >= bpp ? out[prev + x - bpp]! : 0;
          out[cur + x] = (data[line + x]! + paeth(left, up, upLeft)) & 0xff;
        }
        break;
      default:
        throw new PngError(`unknown filter type ${filter} on row ${y}`);
    }
  }
  return out;
}

/**
 * Filter 8-bit single-channel rows for encoding. Per row it tries None, Sub and Up and keeps the
 * one with the smallest sum of absolute signed residuals (the libpng heuristic), which suits
 * masks: long runs make Sub and Up rows mostly zeros.
 */
export function filterRows(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(height * (width + 1));
  const sub = new Uint8Array(width);
  const up = new Uint8Array(width);
  const score = (bytes: Uint8Array): number => {
    let s = 0;
    for (let i = 0; i < bytes.length; i++) {
      const v = bytes[i]!;
      s += v < 128 ? v : 256 - v;
    }
    return s;
  };
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * width, (y + 1) * width);
    const prev = y > 0 ? pixels.subarray((y - 1) * width, y * width) : null;
    for (let x = 0; x < width; x++) {
      sub[x] = (row[x]! - (x > 0 ? row[x - 1]! : 0)) & 0xff;
      up[x] = (row[x]! - (prev ? prev[x]! : 0)) & 0xff;
    }
    const candidates: [number, Uint8Array][] = [
      [0, row],
      [1, sub],
      [2, up],
    ];
    let best = candidates[0]!;
    let bestScore = score(row);
    for (const c of candidates.slice(1)) {
      const s = score(c[1]);
      if (s < bestScore) {
        best = c;
        bestScore = s;
      }
    }
    const at = y * (width + 1);
    out[at] = best[0];
    out.set(best[1], at + 1);
  }
  return out;
}
