import { describe, expect, it } from 'vitest';
import { applyPreset } from './preset-weights';
import { TrainConfig } from './train-config';
import { PAPER_PRESET, QUICK_PRESET } from './train-presets';
import { entryHoldsRelease, fileHashPrefix } from './weights';

/** A store entry whose source SHA-256 starts with `prefix` (what a download or import of that file records). */
const entry = (name: string, backbone: string, prefix: string) => ({ name, backbone: backbone as 'resnet18', sha256: prefix.padEnd(64, '0') });
const R101 = entry('resnet101', 'resnet101', '63fe2227');
const R50 = entry('my-r50', 'resnet50', '0676ba61');
const R18 = entry('r18-from-a-file', 'resnet18', 'f37072fd');

describe('the paper preset against the weights store', () => {
  it('without ImageNet weights: the preset alone (ResNet-50 from scratch), naming what to download', () => {
    expect(applyPreset('paper', [])).toEqual({
      config: PAPER_PRESET,
      weights: { used: [], missing: [{ setting: 'pretrained', release: 'resnet101' }, { setting: 'adversaryPretrained', release: 'resnet18' }] },
    });
    expect(PAPER_PRESET.pretrained).toBeNull();
  });

  it('with them: the paper (ImageNet ResNet-101 localizer, ResNet-18 adversary), whatever the entries are named', () => {
    const { config, weights } = applyPreset('paper', [R18, R50, R101]);
    expect(config).toEqual({ ...PAPER_PRESET, backbone: 'resnet101', pretrained: 'resnet101', adversaryPretrained: 'r18-from-a-file' });
    expect(weights).toEqual({
      used: [
        { setting: 'pretrained', entry: 'resnet101', release: 'resnet101' },
        { setting: 'adversaryPretrained', entry: 'r18-from-a-file', release: 'resnet18' },
      ],
      missing: [],
    });
    expect(TrainConfig.safeParse(config).success).toBe(true);
  });

  it('takes the next preference (ResNet-50) when only that is stored; an entry is known by its SHA-256, not its name', () => {
    expect(applyPreset('paper', [R50]).config).toMatchObject({ backbone: 'resnet50', pretrained: 'my-r50', adversaryPretrained: null });
    // Named like the release, but other bytes (say, a fine-tuned copy): not the ImageNet weights.
    const impostor = entry('resnet101', 'resnet101', 'deadbeef');
    expect(applyPreset('paper', [impostor]).config).toEqual(PAPER_PRESET);
    expect(entryHoldsRelease(impostor, 'resnet101')).toBe(false);
    expect(entryHoldsRelease(R101, 'resnet101')).toBe(true);
    expect(entryHoldsRelease({ ...R101, backbone: 'resnet50' }, 'resnet101')).toBe(false);
    // The listing's order does not matter: entries are tried by name.
    const twin = entry('a-r101', 'resnet101', '63fe2227');
    expect(applyPreset('paper', [R101, twin]).config.pretrained).toBe('a-r101');
    expect(applyPreset('paper', [twin, R101]).config.pretrained).toBe('a-r101');
  });

  it('leaves what the user fixed: a weights setting given is not filled; a backbone given keeps its weights', () => {
    expect(applyPreset('paper', [R101, R18], { pretrained: null }).config).toMatchObject({ backbone: 'resnet50', pretrained: null, adversaryPretrained: 'r18-from-a-file' });
    expect(applyPreset('paper', [R101, R50], { backbone: 'resnet50' }).config).toMatchObject({ backbone: 'resnet50', pretrained: 'my-r50' });
    expect(applyPreset('paper', [R101], { backbone: 'resnet50' }).weights.missing).toContainEqual({ setting: 'pretrained', release: 'resnet50' });
    expect(applyPreset('paper', [R18], { adversary: 'tiny' }).config.adversaryPretrained).toBeNull();
  });

  it('a preset without preferences is itself, whatever the store holds', () => {
    expect(applyPreset('quick', [R101, R18])).toEqual({ config: QUICK_PRESET, weights: { used: [], missing: [] } });
  });

  it('reads the published prefix from a release file name', () => {
    expect(fileHashPrefix('resnet50-0676ba61.pth')).toBe('0676ba61');
    expect(fileHashPrefix('resnet50.pth')).toBeNull();
  });
});
