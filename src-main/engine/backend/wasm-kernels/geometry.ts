/** The geometry of one NHWC conv2d, as the backward kernels need it. */
import * as tf from '@tensorflow/tfjs';

export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  /** Padding before the first row / column (the 'same' offset or an explicit pad). */
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

type PadAttr = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

export function convGeometry(
  inShape: number[],
  filterShape: number[],
  strides: number | [number, number],
  pad: PadAttr,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    padBottom: info.padInfo.bottom,
    padRight: info.padInfo.right,
  };
}

let chunkFloats = 8 * 1024 * 1024;

/** Caps one im2col matrix (floats); returns the previous cap. Tests lower it to exercise chunking. */
export function setIm2colChunkFloats(floats: number): number {
  const previous = chunkFloats;
  chunkFloats = floats;
  return previous;
}

/** Images per chunk so that one chunk's im2col matrix stays under the cap. */
export function imagesPerChunk(g: ConvGeometry, maxFloats = chunkFloats): number {
  const perImage = g.outH * g.outW * g.kH * g.kW * g.inC;
  return Math.max(1, Math.min(g.batch, Math.floor(maxFloats / Math.max(1, perImage))));
}
