import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedTinyTensors, weightFixture } from '../testing/weight-fixtures';
import { openWeightFile, type OpenedWeights } from './open-weights';
import { encodeSafetensors, openSafetensors } from './safetensors';
import { ZipReader } from './zip-reader';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eader-readers-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function allValues(w: OpenedWeights, strip = ''): Promise<Record<string, { dtype: string; shape: number[]; values: number[] | string }>> {
  const out: Record<string, { dtype: string; shape: number[]; values: number[] | string }> = {};
  for (const t of w.tensors) {
    const values = await t.read().then(
      (v) => Array.from(v),
      (err: unknown) => (err as Error).message,
    );
    out[t.name.replace(strip, '')] = { dtype: t.dtype, shape: [...t.shape], values };
  }
  return out;
}

async function errorOf(file: string): Promise<string> {
  try {
    const w = await openWeightFile(file);
    await Promise.all(w.tensors.map((t) => t.read().catch(() => undefined)));
    await w.close();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

describe('weights readers on files PyTorch wrote', () => {
  const expected = expectedTinyTensors();
  const dtypes = { 'conv1.weight': 'float32', 'bn1.weight': 'float64', 'bn1.bias': 'float16', 'bn1.running_mean': 'bfloat16', 'bn1.running_var': 'float32', 'bn1.num_batches_tracked': 'int64', 'fc.weight': 'float32', 'fc.bias': 'float32' };

  it.each(['tiny.pth', 'tiny.safetensors'])('%s: every tensor with its dtype, shape and values (float16, bfloat16, float64, a transposed view)', async (name) => {
    const w = await openWeightFile(weightFixture(name));
    expect(w.layout).toBe('torch');
    const got = await allValues(w);
    await w.close();
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    for (const [tensor, want] of Object.entries(expected)) {
      expect(got[tensor]?.dtype).toBe(dtypes[tensor as keyof typeof dtypes]);
      expect(got[tensor]?.shape).toEqual(want.shape);
      if (tensor.endsWith('num_batches_tracked')) expect(got[tensor]?.values).toMatch(/num_batches_tracked is int64; only float tensors .* load into a network/);
      else expect(got[tensor]?.values).toEqual(want.values);
    }
  });

  it('unwraps a training checkpoint ({state_dict: {module.…}, epoch})', async () => {
    const w = await openWeightFile(weightFixture('wrapped.pth'));
    expect(w.notes).toEqual(["state dict taken from the checkpoint's 'state_dict'"]);
    const got = await allValues(w, 'module.');
    await w.close();
    expect(got['fc.weight']?.values).toEqual(expected['fc.weight']?.values);
  });

  it.each([
    ['evil.pth', /evil\.pth: the pickle names the global os\.system; only tensor-rebuild globals are allowed in a state dict \(refusing to load it\)$/],
    ['legacy.pth', /legacy\.pth: the legacy torch\.save format \(PyTorch < 1\.6\) is not read; re-save it/],
    ['truncated.pth', /truncated\.pth: not a zip archive \(no end-of-central-directory record; truncated/],
    ['past-end.safetensors', /past-end\.safetensors: tensor conv1\.weight's data_offsets \[0, 4528\] point past the end of the file \(432 data bytes\)/],
  ])('%s is a clear one-line error and loads nothing', async (name, message) => {
    const error = await errorOf(weightFixture(name));
    expect(error).toMatch(message);
    expect(error).not.toContain('\n');
  });

  it('a safetensors header longer than the file, garbage, a missing file and a folder are clear errors', async () => {
    const long = join(dir, 'long.safetensors');
    const head = new Uint8Array(16);
    new DataView(head.buffer).setBigUint64(0, 1_000_000n, true);
    head.set(new TextEncoder().encode('{"a":1}'), 8);
    await writeFile(long, head);
    expect(await errorOf(long)).toMatch(/the safetensors header claims 1000000 bytes but the file has 8 after its length field/);
    const junk = join(dir, 'junk.bin');
    await writeFile(junk, 'hello world, not weights');
    expect(await errorOf(junk)).toMatch(/junk\.bin: not a weights file this app reads/);
    expect(await errorOf(join(dir, 'nope.pth'))).toMatch(/cannot read weights .*nope\.pth: no such file/);
    expect(await errorOf(dir)).toMatch(/not a regular file/);
  });

  it('a corrupt storage byte fails the CRC-32 check when the tensor is read', async () => {
    const bytes = new Uint8Array(await readFile(weightFixture('tiny.pth')));
    const zip = await ZipReader.open(weightFixture('tiny.pth'));
    const entry = zip.entry('tiny/data/0')!;
    const start = await zip.dataOffset(entry);
    await zip.close();
    bytes[start + 5] = bytes[start + 5]! ^ 0xff;
    const corrupt = join(dir, 'corrupt.pth');
    await writeFile(corrupt, bytes);
    const w = await openWeightFile(corrupt);
    const conv = w.tensors.find((t) => t.name === 'conv1.weight')!;
    await expect(conv.read()).rejects.toThrow(/corrupt\.pth: tiny\/data\/0 fails its CRC-32 check \(corrupt file\)/);
    await w.close();
  });

  it('reads a deflated zip entry and refuses one whose size lies', async () => {
    const payload = new TextEncoder().encode('little\n'.repeat(50));
    const zipped = deflateRawSync(payload);
    const name = new TextEncoder().encode('a/byteorder');
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(8, 8, true);
    lv.setUint32(14, crc32(payload), true);
    lv.setUint32(18, zipped.length, true);
    lv.setUint32(22, payload.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(10, 8, true);
    cv.setUint32(16, crc32(payload), true);
    cv.setUint32(20, zipped.length, true);
    cv.setUint32(24, payload.length, true);
    cv.setUint16(28, name.length, true);
    central.set(name, 46);
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, 0x06054b50, true);
    ev.setUint16(8, 1, true);
    ev.setUint16(10, 1, true);
    ev.setUint32(12, central.length, true);
    ev.setUint32(16, local.length + zipped.length, true);
    const file = join(dir, 'deflate.zip');
    await writeFile(file, Buffer.concat([local, zipped, central, end]));
    const zip = await ZipReader.open(file);
    expect(new TextDecoder().decode(await zip.read(zip.entry('a/byteorder')!, 1 << 20))).toBe('little\n'.repeat(50));
    await expect(zip.read(zip.entry('a/byteorder')!, 10)).rejects.toThrow(/holds 350 bytes, more than the 10 allowed/);
    await zip.close();
  });

  it('the store writer round-trips through the reader, with its layout mark', async () => {
    const file = join(dir, 'ours.safetensors');
    const a = new Float32Array([1.5, -2, 3.25, 0]);
    await writeFile(file, encodeSafetensors([{ name: 'x', shape: [2, 2], data: a }, { name: 'y', shape: [1], data: new Float32Array([7]) }], { 'eader.layout': 'tfjs' }));
    const w = await openSafetensors(file);
    expect(w.layout).toBe('tfjs');
    expect(Array.from(await w.tensors[0]!.read())).toEqual([1.5, -2, 3.25, 0]);
    expect(Array.from(await w.tensors[1]!.read())).toEqual([7]);
    expect((await readFile(file)).readBigUInt64LE(0) % 8n).toBe(0n);
    await w.close();
  });

  it('a copy with another extension is read by its content', async () => {
    const renamed = join(dir, 'weights.bin');
    await copyFile(weightFixture('tiny.safetensors'), renamed);
    const w = await openWeightFile(renamed);
    expect(w.format).toBe('safetensors');
    await w.close();
  });
});
