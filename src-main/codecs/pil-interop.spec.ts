/**
 * Cross-checks against Python's PIL, the library most VOC tooling uses: PIL must read our masks
 * to the same indices and palette, and we must read PIL's palette PNGs (8/4/2/1-bit, tRNS).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeIndexedPng, encodeIndexedPng } from './indexed-png';
import { VOC_PALETTE } from './voc-palette';

/** The first python3 that can import PIL (a pyenv shim may hide the system's python3-pil). */
function findPythonWithPil(): string | null {
  for (const exe of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(exe, ['-c', 'import PIL'], { encoding: 'utf8' });
    if (probe.status === 0) return exe;
  }
  return null;
}

const python = findPythonWithPil();
const dir = mkdtempSync(join(tmpdir(), 'eader-pil-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runPython(script: string, ...args: string[]): string {
  const result = spawnSync(python!, ['-c', script, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return result.stdout;
}

function maskValues(width: number, height: number, values: number[]): Uint8Array {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = values[((x >> 2) + y * 3) % values.length]!;
  }
  return data;
}

describe.skipIf(!python)('PIL interop (skipped when no python3 can `import PIL`)', () => {
  it('PIL reads our mask to the same indices and palette', () => {
    const width = 23;
    const height = 11;
    const data = maskValues(width, height, [0, 1, 14, 15, 20, 255]);
    const file = join(dir, 'ours.png');
    writeFileSync(file, encodeIndexedPng({ width, height, data }));
    const out = runPython(
      'import sys, json; from PIL import Image\n' +
        'im = Image.open(sys.argv[1]); im.load()\n' +
        'print(json.dumps({"mode": im.mode, "size": im.size, "px": list(im.getdata()), "pal": im.getpalette()}))',
      file,
    );
    const parsed = JSON.parse(out) as { mode: string; size: [number, number]; px: number[]; pal: number[] };
    expect(parsed.mode).toBe('P');
    expect(parsed.size).toEqual([width, height]);
    expect(parsed.px).toEqual(Array.from(data));
    expect(parsed.pal).toEqual(VOC_PALETTE.flat());
  });

  it.each([
    ['8-bit VOC palette', 256, ''],
    ['4-bit', 16, ''],
    ['2-bit', 4, ''],
    ['1-bit', 2, ''],
    ['8-bit with tRNS', 256, 'transparency=255'],
  ])('we read a PIL palette PNG (%s) to the same indices', (_name, colours, extra) => {
    const width = 19;
    const height = 7;
    const values = colours === 256 ? [0, 3, 15, 255] : Array.from({ length: colours }, (_, i) => i);
    const data = maskValues(width, height, values);
    const raw = join(dir, `in-${colours}-${extra ? 't' : 'p'}.raw`);
    const file = raw.replace('.raw', '.png');
    writeFileSync(raw, data);
    runPython(
      'import sys; from PIL import Image\n' +
        'w, h, n = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])\n' +
        'im = Image.frombytes("P", (w, h), open(sys.argv[1], "rb").read())\n' +
        `im.putpalette(${JSON.stringify(VOC_PALETTE.flat())}[: 3 * n])\n` +
        `im.save(sys.argv[2]${extra ? `, ${extra}` : ''})`,
      raw,
      file,
      String(width),
      String(height),
      String(colours),
    );
    const decoded = decodeIndexedPng(readFileSync(file));
    const expectedDepth = colours === 256 ? 8 : Math.log2(colours);
    expect(decoded.header.bitDepth).toBe(expectedDepth);
    expect(decoded.header.colorType).toBe(3);
    expect(Array.from(decoded.mask.data)).toEqual(Array.from(data));
    expect(decoded.palette?.slice(0, colours)).toEqual(VOC_PALETTE.slice(0, colours));
    if (extra) expect(decoded.paletteAlpha?.[255]).toBe(0);
  });
});
