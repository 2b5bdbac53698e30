/** For specs: hand-built PNG files (any chunk, any IHDR), to test decoders against other writers' files. */
import { crc32 } from 'node:zlib';
import { PNG_SIGNATURE, type PngHeader } from '../codecs/png-header';

export { PNG_SIGNATURE };

/** One chunk: length, type, data, CRC over type+data. */
export function writeChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function encodeIhdr(header: PngHeader): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, header.width);
  view.setUint32(4, header.height);
  data[8] = header.bitDepth;
  data[9] = header.colorType;
  data[12] = header.interlace;
  return data;
}

export { crc32 };
