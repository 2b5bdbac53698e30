/**
 * The ImageNet eval transform against Pillow itself, and once against torchvision's Resize +
 * CenterCrop when installed: byte-for-byte equal. Skipped when no python3 can import PIL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closedFormImage } from '../testing/closed-form-weights';
import { imagenetEvalImage, resizeBilinearPil, roundHalfEven } from './eval-transform';

function findPythonWithPil(): string | null {
  for (const exe of ['python3', '/usr/bin/python3']) {
    if (spawnSync(exe, ['-c', 'import PIL'], { encoding: 'utf8' }).status === 0) return exe;
  }
  return null;
}

const python = findPythonWithPil();
const torchvision = python !== null && spawnSync(python, ['-c', 'import torchvision'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'eader-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = `
import sys
from PIL import Image
w, h, mode, a, b = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
img = Image.frombytes('RGB', (w, h), open(sys.argv[1], 'rb').read())
if mode == 'resize':
    out = img.resize((a, b), Image.BILINEAR)
elif mode == 'torchvision':
    from torchvision import transforms
    out = transforms.CenterCrop(b)(transforms.Resize(a)(img))
else:
    short, long = (w, h) if w <= h else (h, w)
    nl = int(a * long / short)
    img = img.resize((a, nl) if w <= h else (nl, a), Image.BILINEAR)
    top, left = int(round((img.size[1] - b) / 2.0)), int(round((img.size[0] - b) / 2.0))
    out = img.crop((left, top, left + b, top + b))
sys.stdout.buffer.write(out.tobytes())
`;

function pil(image: { width: number; height: number; data: Uint8Array }, mode: 'resize' | 'eval' | 'torchvision', a: number, b: number): Uint8Array {
  const file = join(dir, `in-${image.width}x${image.height}.rgb`);
  writeFileSync(file, image.data);
  const result = spawnSync(python!, ['-c', SCRIPT, file, String(image.width), String(image.height), mode, String(a), String(b)], { maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr.toString()}`);
  return new Uint8Array(result.stdout);
}

describe('Python rounding of the crop offset', () => {
  it('rounds halves to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, 3, 2.4].map(roundHalfEven)).toEqual([0, 2, 2, -0, 3, 2]);
  });
});

describe.skipIf(!python)('the ImageNet eval transform equals Pillow / torchvision (skipped without PIL)', () => {
  it.each([
    [300, 200, 173, 91], // shrink both: antialiased
    [37, 29, 80, 64], // enlarge both
    [64, 48, 64, 20], // one axis only
  ])('PIL BILINEAR resize %i×%i → %i×%i, byte for byte', (w, h, ow, oh) => {
    const image = closedFormImage(h, w);
    expect(Buffer.from(resizeBilinearPil(image, ow, oh).data).equals(Buffer.from(pil(image, 'resize', ow, oh)))).toBe(true);
  });

  it.each([
    [333, 250],
    [150, 301],
    [257, 256],
  ])('Resize(256) + CenterCrop(224) of %i×%i, byte for byte', (w, h) => {
    const image = closedFormImage(h, w);
    const ours = imagenetEvalImage(image);
    expect([ours.width, ours.height]).toEqual([224, 224]);
    expect(Buffer.from(ours.data).equals(Buffer.from(pil(image, 'eval', 256, 224)))).toBe(true);
  });

  it.skipIf(!torchvision)('and torchvision\'s own Resize(256) + CenterCrop(224) (skipped without torchvision)', () => {
    const image = closedFormImage(301, 333);
    expect(Buffer.from(imagenetEvalImage(image).data).equals(Buffer.from(pil(image, 'torchvision', 256, 224)))).toBe(true);
  });

  it('a 224×224 image is used as is', () => {
    const image = closedFormImage(224, 224);
    expect(imagenetEvalImage(image)).toBe(image);
  });
});
