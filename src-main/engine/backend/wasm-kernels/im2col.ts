/**
 * im2col / col2im over NHWC tensors held in wasm memory. One row of `cols` per output pixel,
 * laid out [kH, kW, inC] so that it multiplies a filter reshaped to [kH·kW·inC, outC].
 */
import type { ConvGeometry } from './geometry';

/** Runs shorter than this are copied element by element (set() costs more for tiny runs). */
const SHORT_RUN = 48;

/** Fills cols [(b1-b0)·outH·outW, kH·kW·inC] from x [batch,inH,inW,inC] for images b0..b1-1. */
export function im2col(x: Float32Array, g: ConvGeometry, b0: number, b1: number, cols: Float32Array): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const rowLen = kW * inC;
  let p = 0;
  for (let b = b0; b < b1; b++) {
    const imageBase = b * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        const kx0 = Math.max(0, -ix0);
        const kx1 = Math.min(kW, inW - ix0);
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= inH || kx1 <= kx0) {
            cols.fill(0, p, p + rowLen);
            p += rowLen;
            continue;
          }
          if (kx0 > 0) cols.fill(0, p, p + kx0 * inC);
          const src = imageBase + (iy * inW + ix0 + kx0) * inC;
          const run = (kx1 - kx0) * inC;
          const dst = p + kx0 * inC;
          if (run < SHORT_RUN) for (let i = 0; i < run; i++) cols[dst + i] = x[src + i]!;
          else cols.set(x.subarray(src, src + run), dst);
          if (kx1 < kW) cols.fill(0, dst + run, p + rowLen);
          p += rowLen;
        }
      }
    }
  }
}

/** Adds cols (layout as in im2col) back into dx [batch,inH,inW,inC] for images b0..b1-1. dx must start zeroed. */
export function col2im(cols: Float32Array, g: ConvGeometry, b0: number, b1: number, dx: Float32Array): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const rowLen = kW * inC;
  let p = 0;
  for (let b = b0; b < b1; b++) {
    const imageBase = b * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        const kx0 = Math.max(0, -ix0);
        const kx1 = Math.min(kW, inW - ix0);
        for (let ky = 0; ky < kH; ky++, p += rowLen) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= inH || kx1 <= kx0) continue;
          const dst = imageBase + (iy * inW + ix0 + kx0) * inC;
          const src = p + kx0 * inC;
          const run = (kx1 - kx0) * inC;
          for (let i = 0; i < run; i++) dx[dst + i] = dx[dst + i]! + cols[src + i]!;
        }
      }
    }
  }
}
