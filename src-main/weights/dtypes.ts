/** Element types of weight files: sizes, and raw little-endian bytes (any strides) → float32. */
import type { WeightDtype } from '../engine/backbones/weight-source';

export const DTYPE_BYTES: Record<WeightDtype, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export const isFloat = (dtype: WeightDtype): boolean => dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';

export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** C-order strides of `shape`, in elements. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  return strides;
}

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Every element of `bytes` (little-endian `dtype`) as float32, in storage order. */
function decodeAll(bytes: Uint8Array, dtype: WeightDtype): Float32Array {
  const aligned = new Uint8Array(bytes); // a copy at offset 0: typed views need alignment
  switch (dtype) {
    case 'float32':
      return new Float32Array(aligned.buffer, 0, aligned.length / 4);
    case 'float64':
      return Float32Array.from(new Float64Array(aligned.buffer, 0, aligned.length / 8));
    case 'float16': {
      const half = new Uint16Array(aligned.buffer, 0, aligned.length / 2);
      const out = new Float32Array(half.length);
      for (let i = 0; i < half.length; i++) out[i] = halfToFloat(half[i]!);
      return out;
    }
    case 'bfloat16': {
      const half = new Uint16Array(aligned.buffer, 0, aligned.length / 2);
      const wide = new Uint32Array(half.length);
      for (let i = 0; i < half.length; i++) wide[i] = half[i]! << 16;
      return new Float32Array(wide.buffer);
    }
    default:
      throw new Error(`not a float dtype: ${dtype}`);
  }
}

export interface StridedView {
  dtype: WeightDtype;
  shape: readonly number[];
  /** In elements; C-order when omitted. */
  strides?: readonly number[];
  /** Element offset of the first value. */
  offset?: number;
}

/**
 * The tensor `view` of the raw little-endian storage `bytes`, in C order, as float32. Checks that
 * every element it addresses lies inside `bytes`. `what` names the tensor in errors.
 */
export function toFloat32(bytes: Uint8Array, view: StridedView, what: string): Float32Array {
  const { dtype, shape } = view;
  if (!isFloat(dtype)) throw new Error(`${what} is ${dtype}; only float tensors (float32, float64, float16, bfloat16) load into a network`);
  const size = DTYPE_BYTES[dtype];
  if (!(little())) throw new Error('big-endian hosts are not supported');
  const count = elementCount(shape);
  const strides = view.strides ?? contiguousStrides(shape);
  const offset = view.offset ?? 0;
  if (strides.length !== shape.length) throw new Error(`${what}: ${strides.length} strides for ${shape.length} dimensions`);
  if (count === 0) return new Float32Array(0);
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    if (strides[d]! < 0) throw new Error(`${what}: negative stride`);
    last += (shape[d]! - 1) * strides[d]!;
  }
  const storageElements = Math.floor(bytes.length / size);
  if (offset < 0 || last >= storageElements) {
    throw new Error(`${what}: addresses element ${last} but its storage holds ${storageElements} (truncated or corrupt file)`);
  }
  const contiguous = strides.every((s, d) => s === contiguousStrides(shape)[d] || shape[d] === 1);
  if (contiguous) return decodeAll(bytes.subarray(offset * size, (offset + count) * size), dtype);
  const all = decodeAll(bytes.subarray(0, (last + 1) * size), dtype);
  const out = new Float32Array(count);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let e = offset;
    for (let d = 0; d < shape.length; d++) e += index[d]! * strides[d]!;
    out[i] = all[e]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

function little(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
