/**
 * A bounded, random-access zip reader for `torch.save` archives (and any other plain zip): it reads
 * the end-of-central-directory record (zip64 too: PyTorch always writes one), the central directory,
 * and then single entries on demand through a file handle, so a 170 MB checkpoint is never read
 * whole. Stored (method 0) and deflated (method 8) entries; encrypted or multi-disk archives are
 * refused. Every offset and size is checked against the file's real size before it is used, and
 * each entry's CRC-32 is verified when it is read in full.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_CENTRAL_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 1_000_000;

function u64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('a 64-bit field exceeds 2^53');
  return Number(value);
}

export class ZipReader {
  private readonly byName: Map<string, ZipEntry>;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    readonly fileSize: number,
    readonly entries: readonly ZipEntry[],
  ) {
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  /** Open `file` and read its central directory; throws a one-line error naming the file. */
  static async open(file: string): Promise<ZipReader> {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const entries = await readCentralDirectory(file, handle, size);
      return new ZipReader(file, handle, size, entries);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** Where an entry's data starts (after its local header), checked against the file size. */
  async dataOffset(entry: ZipEntry): Promise<number> {
    const header = await this.bytes(entry.localHeaderOffset, 30, `the local header of ${entry.name}`);
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (view.getUint32(0, true) !== LOCAL) throw new Error(`${this.file}: corrupt zip: no local header for ${entry.name}`);
    const start = entry.localHeaderOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
    if (start + entry.compressedSize > this.fileSize) {
      throw new Error(`${this.file}: truncated: ${entry.name} ends at byte ${start + entry.compressedSize} but the file has ${this.fileSize}`);
    }
    return start;
  }

  /** An entry's whole content (inflated), CRC-checked; refuses entries above `maxBytes`. */
  async read(entry: ZipEntry, maxBytes: number): Promise<Uint8Array> {
    if (entry.size > maxBytes) throw new Error(`${this.file}: ${entry.name} holds ${entry.size} bytes, more than the ${maxBytes} allowed`);
    const start = await this.dataOffset(entry);
    const raw = await this.bytes(start, entry.compressedSize, entry.name);
    let data: Uint8Array;
    if (entry.method === 0) data = raw;
    else {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
      } catch (err) {
        throw new Error(`${this.file}: cannot inflate ${entry.name}: ${(err as Error).message}`);
      }
    }
    if (data.length !== entry.size) throw new Error(`${this.file}: ${entry.name} holds ${data.length} bytes, the directory says ${entry.size}`);
    if (crc32(data) >>> 0 !== entry.crc) throw new Error(`${this.file}: ${entry.name} fails its CRC-32 check (corrupt file)`);
    return data;
  }

  /** `length` bytes at absolute `offset`, refusing anything past the end of the file. */
  async bytes(offset: number, length: number, what: string): Promise<Uint8Array> {
    if (offset < 0 || length < 0 || offset + length > this.fileSize) {
      throw new Error(`${this.file}: truncated: ${what} needs bytes ${offset}..${offset + length} but the file has ${this.fileSize}`);
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(out, done, length - done, offset + done);
      if (bytesRead === 0) throw new Error(`${this.file}: truncated while reading ${what}`);
      done += bytesRead;
    }
    return out;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<DataView> {
  const buf = new Uint8Array(length);
  const { bytesRead } = await handle.read(buf, 0, length, offset);
  return new DataView(buf.buffer, 0, bytesRead);
}

async function readCentralDirectory(file: string, handle: FileHandle, size: number): Promise<ZipEntry[]> {
  const notZip = `${file}: not a zip archive (no end-of-central-directory record; truncated, or not a torch.save file)`;
  if (size < 22) throw new Error(notZip);
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = await readAt(handle, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(notZip);
  if (tail.getUint16(eocd + 4, true) !== 0 || tail.getUint16(eocd + 6, true) !== 0) throw new Error(`${file}: multi-disk zip archives are not supported`);
  let count = tail.getUint16(eocd + 10, true);
  let centralSize = tail.getUint32(eocd + 12, true);
  let centralOffset = tail.getUint32(eocd + 16, true);
  if (count === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff || (eocd >= 20 && tail.getUint32(eocd - 20, true) === ZIP64_LOCATOR)) {
    if (eocd < 20 || tail.getUint32(eocd - 20, true) !== ZIP64_LOCATOR) throw new Error(`${file}: corrupt zip: zip64 sizes without a zip64 locator`);
    const recordOffset = u64(tail, eocd - 20 + 8);
    if (recordOffset + 56 > size) throw new Error(`${file}: truncated: the zip64 directory record lies past the end of the file`);
    const record = await readAt(handle, recordOffset, 56);
    if (record.byteLength < 56 || record.getUint32(0, true) !== ZIP64_EOCD) throw new Error(`${file}: corrupt zip: bad zip64 directory record`);
    count = u64(record, 32);
    centralSize = u64(record, 40);
    centralOffset = u64(record, 48);
  }
  if (count > MAX_ENTRIES) throw new Error(`${file}: the zip claims ${count} entries, more than ${MAX_ENTRIES}`);
  if (centralSize > MAX_CENTRAL_BYTES) throw new Error(`${file}: the zip's central directory claims ${centralSize} bytes`);
  if (centralOffset + centralSize > size) {
    throw new Error(`${file}: truncated: the central directory needs bytes ${centralOffset}..${centralOffset + centralSize} but the file has ${size}`);
  }
  const dir = await readAt(handle, centralOffset, centralSize);
  const entries: ZipEntry[] = [];
  let at = 0;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (let n = 0; n < count; n++) {
    if (at + 46 > dir.byteLength || dir.getUint32(at, true) !== CENTRAL) throw new Error(`${file}: corrupt zip: central directory entry ${n} is malformed`);
    const flags = dir.getUint16(at + 8, true);
    if (flags & 1) throw new Error(`${file}: encrypted zip entries are not supported`);
    const method = dir.getUint16(at + 10, true);
    const crc = dir.getUint32(at + 16, true);
    let compressedSize = dir.getUint32(at + 20, true);
    let uncompressed = dir.getUint32(at + 24, true);
    const nameLength = dir.getUint16(at + 28, true);
    const extraLength = dir.getUint16(at + 30, true);
    const commentLength = dir.getUint16(at + 32, true);
    let localHeaderOffset = dir.getUint32(at + 42, true);
    const nameStart = at + 46;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > dir.byteLength) throw new Error(`${file}: corrupt zip: central directory entry ${n} runs past the directory`);
    const name = decoder.decode(new Uint8Array(dir.buffer, dir.byteOffset + nameStart, nameLength));
    // zip64 extra field (id 1): the 64-bit values of exactly the fields saturated above, in order.
    for (let e = extraStart; e + 4 <= extraStart + extraLength; ) {
      const id = dir.getUint16(e, true);
      const len = dir.getUint16(e + 2, true);
      if (id === 1) {
        let p = e + 4;
        const take = (): number => {
          if (p + 8 > e + 4 + len) throw new Error(`${file}: corrupt zip: short zip64 field in ${name}`);
          const v = u64(dir, p);
          p += 8;
          return v;
        };
        if (uncompressed === 0xffffffff) uncompressed = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
      }
      e += 4 + len;
    }
    if (method !== 0 && method !== 8) throw new Error(`${file}: ${name} uses zip compression method ${method}; only stored and deflate are supported`);
    if (localHeaderOffset + 30 > size) throw new Error(`${file}: truncated: ${name} starts past the end of the file`);
    entries.push({ name, method, compressedSize, size: uncompressed, crc, localHeaderOffset });
    at = next;
  }
  return entries;
}
