/**
 * `.safetensors` (the Hugging Face format; timm's ResNets use torchvision's names): an 8-byte
 * little-endian header length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]},
 * "__metadata__": {str: str}}`, then the raw little-endian data, offsets relative to its start.
 * Reading checks the header against the file's real size before any tensor is touched; tensors are
 * read lazily. The writer is how the weights store keeps converted weights (tfjs layout, float32,
 * `__metadata__["eader.layout"] = "tfjs"`).
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { SourceTensor, WeightDtype } from '../engine/backbones/weight-source';
import { DTYPE_BYTES, elementCount, toFloat32 } from './dtypes';
import type { OpenedWeights } from './open-weights';

const MAX_HEADER_BYTES = 100 * 1024 * 1024;
/** Metadata key that marks tensors already in the engine's layout (HWIO convs, [in,out] dense). */
export const LAYOUT_KEY = 'eader.layout';

const DTYPES: Record<string, WeightDtype> = {
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

interface HeaderEntry {
  dtype: WeightDtype;
  shape: number[];
  begin: number;
  end: number;
}

function parseHeader(file: string, json: unknown, dataBytes: number): { entries: Map<string, HeaderEntry>; metadata: Record<string, string> } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${file}: the safetensors header is not a JSON object`);
  const entries = new Map<string, HeaderEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Object.values(raw).some((v) => typeof v !== 'string')) throw new Error(`${file}: __metadata__ must map strings to strings`);
      metadata = raw as Record<string, string>;
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = typeof e?.dtype === 'string' ? DTYPES[e.dtype] : undefined;
    if (!dtype) throw new Error(`${file}: tensor ${name} has dtype ${String(e?.dtype)}, which is not supported`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${file}: tensor ${name} has a malformed shape`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${file}: tensor ${name} has malformed data_offsets`);
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataBytes) {
      throw new Error(`${file}: tensor ${name}'s data_offsets [${begin}, ${end}] point past the end of the file (${dataBytes} data bytes): truncated or corrupt`);
    }
    const expected = elementCount(shape as number[]) * DTYPE_BYTES[dtype];
    if (end - begin !== expected) throw new Error(`${file}: tensor ${name} spans ${end - begin} bytes, but ${dtype} [${(shape as number[]).join(',')}] needs ${expected}`);
    entries.set(name, { dtype, shape: shape as number[], begin, end });
  }
  return { entries, metadata };
}

async function readExactly(handle: FileHandle, offset: number, length: number, what: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, offset + done);
    if (bytesRead === 0) throw new Error(`${what}: the file ends early (truncated)`);
    done += bytesRead;
  }
  return out;
}

export async function openSafetensors(file: string): Promise<OpenedWeights> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size < 8) throw new Error(`${file}: too short for a safetensors file (${size} bytes)`);
    const lengthBytes = await readExactly(handle, 0, 8, file);
    const headerLength = new DataView(lengthBytes.buffer).getBigUint64(0, true);
    if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, size - 8))) {
      throw new Error(`${file}: the safetensors header claims ${headerLength} bytes but the file has ${size - 8} after its length field (truncated or not safetensors)`);
    }
    const n = Number(headerLength);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await readExactly(handle, 8, n, file)));
    } catch (err) {
      throw new Error(`${file}: the safetensors header is not valid JSON (${(err as Error).message})`);
    }
    const dataStart = 8 + n;
    const { entries, metadata } = parseHeader(file, json, size - dataStart);
    const tensors: SourceTensor[] = [...entries].map(([name, e]) => ({
      name,
      dtype: e.dtype,
      shape: e.shape,
      read: async () => toFloat32(await readExactly(handle, dataStart + e.begin, e.end - e.begin, `${file}: ${name}`), { dtype: e.dtype, shape: e.shape }, `${file}: ${name}`),
    }));
    const layout = metadata[LAYOUT_KEY] === 'tfjs' ? 'tfjs' : 'torch';
    return { file, format: 'safetensors', layout, tensors, notes: [], nonTensors: [], metadata, close: () => handle.close() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

export interface PlainTensor {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

/** One safetensors file of float32 tensors (header space-padded to a multiple of 8, as the reference writer does). */
export function encodeSafetensors(tensors: readonly PlainTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const t of tensors) {
    if (t.data.length !== elementCount(t.shape)) throw new Error(`tensor ${t.name}: ${t.data.length} values for shape [${t.shape.join(',')}]`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (Buffer.byteLength(text) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
