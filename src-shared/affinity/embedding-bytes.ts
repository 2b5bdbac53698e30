/** An affinity embedding as bytes for the API (`pseudo:cams`): float32 little-endian, and back. */
import type { AffinityEmbedding } from './random-walk';

export interface EmbeddingBytes {
  width: number;
  height: number;
  dim: number;
  /** width·height·dim float32, little-endian. */
  data: Uint8Array;
}

export function embeddingToBytes(e: AffinityEmbedding): EmbeddingBytes {
  const data = new Uint8Array(e.data.length * 4);
  const view = new DataView(data.buffer);
  e.data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return { width: e.width, height: e.height, dim: e.dim, data };
}

export function embeddingFromBytes(e: EmbeddingBytes): AffinityEmbedding {
  const n = e.width * e.height * e.dim;
  if (e.data.length !== 4 * n) throw new Error(`affinity embedding holds ${e.data.length} bytes, expected ${e.width}×${e.height}×${e.dim}×4`);
  const view = new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength);
  return { width: e.width, height: e.height, dim: e.dim, data: Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true)) };
}
