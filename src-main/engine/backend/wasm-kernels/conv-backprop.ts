/**
 * Conv2D backward kernels for the wasm backend, built on its fast XNNPACK forward conv and
 * non-transposed matMul:
 * - dX, stride 1: a forward conv of dy with the flipped, in/out-swapped filter.
 * - dX, stride > 1: cols = dy · Wᵀ (matMul), then col2im. (No zero-upsampling: no wasted work.)
 * - dW, large stride-1 maps: a dilated forward conv of xᵀ [Ci,H,W,B] with dyᵀ [Ho,Wo,B,Co].
 * - dW, otherwise: cols = im2col(x), then dWᵀ = dyᵀ · cols (matMul), in batch chunks.
 * Which path runs per layer comes from timings on this backend (docs/backends.md);
 * `setConvBackpropStrategy` pins one, for tests and the bench.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type ConvGeometry, convGeometry, imagesPerChunk } from './geometry';
import { col2im, im2col } from './im2col';
import {
  type Attrs,
  type TensorInfo,
  callKernel,
  heapView,
  matMulNN,
  release,
  reshapeInfo,
  transposeInfo,
} from './heap';

type Strides = number | [number, number];
type Pad = Parameters<typeof convGeometry>[3];
type Rounding = Parameters<typeof convGeometry>[4];

export type DxStrategy = 'auto' | 'forward-conv' | 'col2im';
export type DwStrategy = 'auto' | 'dilated-conv' | 'im2col';
const strategy: { dx: DxStrategy; dw: DwStrategy } = { dx: 'auto', dw: 'auto' };

export function setConvBackpropStrategy(next: { dx?: DxStrategy; dw?: DwStrategy }): { dx: DxStrategy; dw: DwStrategy } {
  const previous = { ...strategy };
  Object.assign(strategy, next);
  return previous;
}

/** Measured (docs/backends.md): the flipped-filter conv wins on large stride-1 maps only. */
function chooseDx(g: ConvGeometry): 'forward-conv' | 'col2im' {
  if (strategy.dx !== 'auto') return strategy.dx;
  return g.strideH === 1 && g.strideW === 1 && g.outH * g.outW >= 144 ? 'forward-conv' : 'col2im';
}

/** Measured: the dilated conv wins on large stride-1 maps and on few-channel inputs (the stem). */
function chooseDw(g: ConvGeometry): 'dilated-conv' | 'im2col' {
  if (strategy.dw !== 'auto') return strategy.dw;
  const hw = g.outH * g.outW;
  return (g.strideH === 1 && g.strideW === 1 && hw >= 256) || (g.inC <= 4 && hw >= 1024) ? 'dilated-conv' : 'im2col';
}

/** Rows [b0·rowsPerImage, b1·rowsPerImage) of a [N, cols] tensor, as a new [rows, cols] tensor. */
function rowBlock(backend: BackendWasm, t: TensorInfo, rowsPerImage: number, cols: number, b0: number, b1: number) {
  const out = backend.makeOutput([(b1 - b0) * rowsPerImage, cols], 'float32');
  const src = heapView(backend, t);
  heapView(backend, out).set(src.subarray(b0 * rowsPerImage * cols, b1 * rowsPerImage * cols));
  return out;
}

/** flip(W) with in/out channels swapped, in one pass (wasm's Reverse kernel is very slow). */
function flipSwap(backend: BackendWasm, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const out = backend.makeOutput([g.kH, g.kW, g.outC, g.inC], 'float32');
  const w = heapView(backend, filter);
  const o = heapView(backend, out);
  const tapSize = g.inC * g.outC;
  for (let ky = 0; ky < g.kH; ky++) {
    for (let kx = 0; kx < g.kW; kx++) {
      const src = ((g.kH - 1 - ky) * g.kW + (g.kW - 1 - kx)) * tapSize;
      const dst = (ky * g.kW + kx) * tapSize;
      for (let ci = 0; ci < g.inC; ci++) {
        const row = src + ci * g.outC;
        for (let co = 0; co < g.outC; co++) o[dst + co * g.inC + ci] = w[row + co]!;
      }
    }
  }
  return out;
}

/** dX for stride 1: conv(dy, flip(W)ᵀ) with pads K-1-pad. Null when the pads would be negative. */
function dxByForwardConv(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry) {
  const pads = [g.kH - 1 - g.padTop, g.kH - 1 - g.padBottom, g.kW - 1 - g.padLeft, g.kW - 1 - g.padRight];
  if (pads.some((p) => p < 0)) return null;
  const [pt, pb, pl, pr] = pads as [number, number, number, number];
  const swapped = flipSwap(backend, filter, g); // [kH,kW,outC,inC]
  const dx = callKernel(
    backend,
    'Conv2D',
    { x: dy, filter: swapped },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ],
      dilations: [1, 1],
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    } as unknown as Attrs,
  );
  release(backend, swapped);
  return dx;
}

/** dX for any stride: cols = dy · Wᵀ (XNNPACK matMul), scattered back with col2im. */
function dxByCol2im(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry) {
  const kkc = g.kH * g.kW * g.inC;
  const w2d = reshapeInfo(backend, filter, [kkc, g.outC]);
  const wT = transposeInfo(backend, w2d, [1, 0]); // [outC, kH·kW·inC]
  release(backend, w2d);
  const wT3 = reshapeInfo(backend, wT, [1, g.outC, kkc]);
  release(backend, wT);
  const rowsPerImage = g.outH * g.outW;
  const step = imagesPerChunk(g);
  const dx = backend.makeOutput([g.batch, g.inH, g.inW, g.inC], 'float32');
  heapView(backend, dx).fill(0);
  for (let b0 = 0; b0 < g.batch; b0 += step) {
    const b1 = Math.min(g.batch, b0 + step);
    const dyRows =
      b0 === 0 && b1 === g.batch
        ? reshapeInfo(backend, dy, [g.batch * rowsPerImage, g.outC])
        : rowBlock(backend, dy, rowsPerImage, g.outC, b0, b1);
    const dy3 = reshapeInfo(backend, dyRows, [1, (b1 - b0) * rowsPerImage, g.outC]);
    const cols = matMulNN(backend, dy3, wT3); // [1, rows, kH·kW·inC]
    col2im(heapView(backend, cols), g, b0, b1, heapView(backend, dx));
    // col2im wrote images b0..b1 at their own offsets: the chunk's cols start at row 0.
    release(backend, dyRows, dy3, cols);
  }
  release(backend, wT3);
  return dx;
}

export function conv2dBackpropInputWasm(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: number[],
  strides: Strides,
  pad: Pad,
  dimRoundingMode?: Rounding,
): TensorInfo {
  const g = convGeometry(inputShape, filter.shape, strides, pad, dimRoundingMode);
  if (g.strideH === 1 && g.strideW === 1 && chooseDx(g) === 'forward-conv') {
    const dx = dxByForwardConv(backend, dy, filter, g);
    if (dx) return dx;
  }
  return dxByCol2im(backend, dy, filter, g);
}

export function conv2dBackpropFilterWasm(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: number[],
  strides: Strides,
  pad: Pad,
  dimRoundingMode?: Rounding,
): TensorInfo {
  const g = convGeometry(x.shape, filterShape, strides, pad, dimRoundingMode);
  if (chooseDw(g) === 'dilated-conv') return dwByDilatedConv(backend, x, dy, g);
  const kkc = g.kH * g.kW * g.inC;
  const rowsPerImage = g.outH * g.outW;
  const step = imagesPerChunk(g);
  let dwT: TensorInfo | null = null; // [1, outC, kH·kW·inC]
  for (let b0 = 0; b0 < g.batch; b0 += step) {
    const b1 = Math.min(g.batch, b0 + step);
    const rows = (b1 - b0) * rowsPerImage;
    const cols = backend.makeOutput([1, rows, kkc], 'float32');
    im2colInto(backend, x, g, b0, b1, cols);
    const dyRows =
      b0 === 0 && b1 === g.batch
        ? reshapeInfo(backend, dy, [rows, g.outC])
        : rowBlock(backend, dy, rowsPerImage, g.outC, b0, b1);
    const dyT = transposeInfo(backend, dyRows, [1, 0]);
    const dyT3 = reshapeInfo(backend, dyT, [1, g.outC, rows]);
    const part = matMulNN(backend, dyT3, cols);
    release(backend, cols, dyRows, dyT, dyT3);
    if (dwT === null) dwT = part;
    else {
      const sum = callKernel(backend, 'Add', { a: dwT, b: part });
      release(backend, dwT, part);
      dwT = sum;
    }
  }
  if (dwT === null) throw new Error('Conv2DBackpropFilter: empty batch');
  const dwT2 = reshapeInfo(backend, dwT, [g.outC, kkc]);
  const dw = transposeInfo(backend, dwT2, [1, 0]);
  release(backend, dwT, dwT2);
  const out = reshapeInfo(backend, dw, filterShape);
  release(backend, dw);
  return out;
}

function im2colInto(backend: BackendWasm, x: TensorInfo, g: ConvGeometry, b0: number, b1: number, cols: TensorInfo) {
  im2col(heapView(backend, x), g, b0, b1, heapView(backend, cols));
}

/** dW as a forward conv: xᵀ [Ci,H,W,B] ⊛ dyᵀ [Ho,Wo,B,Co] with dilation = stride → [Ci,≥kH,≥kW,Co]. */
function dwByDilatedConv(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const xT = transposeInfo(backend, x, [3, 1, 2, 0]);
  const dyT = transposeInfo(backend, dy, [1, 2, 0, 3]);
  const full = callKernel(
    backend,
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [g.padTop, g.padBottom],
        [g.padLeft, g.padRight],
        [0, 0],
      ],
      dilations: [g.strideH, g.strideW],
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    } as unknown as Attrs,
  );
  release(backend, xT, dyT);
  // Rows past kH (and columns past kW) appear when the padded input has a remainder: drop them.
  const exact = full.shape[1] === g.kH && full.shape[2] === g.kW;
  const cut = exact ? full : callKernel(backend, 'Slice', { x: full }, { begin: [0, 0, 0, 0], size: [g.inC, g.kH, g.kW, g.outC] });
  if (!exact) release(backend, full);
  const dw = transposeInfo(backend, cut, [1, 2, 0, 3]);
  release(backend, cut);
  return dw;
}
