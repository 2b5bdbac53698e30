/**
 * `eader weights check` end to end on a real file: closed-form ResNet-18 weights written as a
 * PyTorch-layout .safetensors, checked as a file and after import into the store, through the CLI
 * with --json, against torchvision's float64 logits on the same 224×224 image.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../cli';
import { Classifier } from '../engine/classifier';
import { makeRng } from '../engine/rng';
import { closedFormImage, topK, torchvisionLogits } from '../testing/closed-form-weights';
import { useTestBackend } from '../testing/tf-backend';
import { writeClosedFormSafetensors } from '../testing/weight-files';
import { checkWeights, imagenetClassName } from './check';
import { WeightsStore } from './store';

let dir = '';
let file = '';
let png = '';
const expected = torchvisionLogits().find((c) => c.backbone === 'resnet18' && c.height === 224)!;
const env = { ...process.env };

beforeAll(async () => {
  await useTestBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'eader-check-'));
  const net = new Classifier('resnet18', 1000, makeRng(0), { momentum: 0.1, epsilon: 1e-5 });
  file = join(dir, 'resnet18-closed-form.safetensors');
  await writeClosedFormSafetensors(file, net.store);
  net.dispose();
  const image = closedFormImage(224, 224);
  png = join(dir, 'image.png');
  await sharp(Buffer.from(image.data), { raw: { width: 224, height: 224, channels: 3 } }).png().toFile(png);
  process.env.EADER_HOME = join(dir, 'home');
});
afterAll(async () => {
  process.env.EADER_HOME = env.EADER_HOME;
  if (env.EADER_HOME === undefined) delete process.env.EADER_HOME;
  await rm(dir, { recursive: true, force: true });
});

const relativeError = (logits: readonly number[]): number => {
  const scale = Math.max(...expected.logits.map(Math.abs));
  return Math.max(...expected.logits.map((v, i) => Math.abs(v - (logits[i] ?? NaN)))) / scale;
};

describe('eader weights check', () => {
  it("a file: torchvision's logits and top-5, with ImageNet class names", async () => {
    const result = await checkWeights(file, new WeightsStore(join(dir, 'unused')), closedFormImage(224, 224), { backbone: 'resnet18' });
    expect(result.input).toEqual({ width: 224, height: 224 });
    expect(relativeError(result.logits)).toBeLessThan(1e-4);
    expect(result.top5.map((p) => p.index)).toEqual(topK(expected.logits, 5));
    expect(result.top5[0]).toMatchObject({ index: 565, name: 'freight car' }); // torchvision's _IMAGENET_CATEGORIES[565]
    expect([imagenetClassName(0), imagenetClassName(999)]).toEqual(['tench', 'toilet tissue']);
    const total = result.top5.reduce((s, p) => s + p.probability, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(1);
    await expect(checkWeights(file, new WeightsStore(join(dir, 'unused')), closedFormImage(224, 224), { backbone: 'resnet50' })).rejects.toThrow(/holds a resnet18 .*, not a resnet50/);
  });

  it('the CLI: import into the store, then check by name with --json', async () => {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    try {
      await runCli(['weights', 'import', file, '--name', 'r18', '--backend', 'wasm']);
      expect(out.pop()).toMatch(/^Stored r18: resnet18, 102 tensors, 11\.69M parameters, 1000-way head\n {2}source .*resnet18-closed-form\.safetensors \(safetensors\), sha256 [0-9a-f]{64}$/);
      await runCli(['weights', 'check', 'r18', '--image', png, '--json', '--backend', 'wasm']);
      const json = JSON.parse(out.pop()!) as { logits: number[]; top5: number[] };
      expect(Object.keys(json)).toEqual(['logits', 'top5']);
      expect(json.logits).toHaveLength(1000);
      expect(relativeError(json.logits)).toBeLessThan(1e-4);
      expect(json.top5).toEqual(topK(expected.logits, 5));
      await runCli(['weights', 'list']);
      expect(out.pop()).toMatch(/r18 +resnet18 +1000-way head +sha256 [0-9a-f]{12} +11\.7M params/);
    } finally {
      log.mockRestore();
    }
  });
});
