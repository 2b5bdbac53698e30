import { describe, expect, it } from 'vitest';
import { PAPER_PRESET, QUICK_PRESET } from './train-presets';
import { weightsPlan } from './weights-plan';

const r101 = { name: 'in1k-101', backbone: 'resnet101' as const, sha256: '63fe2227'.padEnd(64, '0') };
const tiny = { name: 'my-tiny', backbone: 'tiny' as const, sha256: 'ab'.repeat(32) };

describe('what each network starts from', () => {
  it('from scratch: names the ImageNet release of its backbone, and an entry that already holds it', () => {
    expect(weightsPlan({ ...PAPER_PRESET, backbone: 'resnet101' }, [r101])).toEqual([
      { network: 'localizer', backbone: 'resnet101', kind: 'scratch', release: 'resnet101', stored: 'in1k-101' },
      { network: 'adversary', backbone: 'resnet18', kind: 'scratch', release: 'resnet18', stored: null },
    ]);
    // No published weights for the tiny network; a shared adversary has no weights of its own.
    expect(weightsPlan({ ...QUICK_PRESET, adversary: 'shared' }, [])).toEqual([{ network: 'localizer', backbone: 'tiny', kind: 'scratch', release: null, stored: null }]);
  });

  it('from the store (and whether the backbone fits) or from a file', () => {
    expect(weightsPlan({ ...QUICK_PRESET, adversary: 'tiny', pretrained: 'my-tiny', adversaryPretrained: '/w/t.pth' }, [tiny])).toEqual([
      { network: 'localizer', backbone: 'tiny', kind: 'store', entry: tiny, fits: true },
      { network: 'adversary', backbone: 'tiny', kind: 'file', path: '/w/t.pth' },
    ]);
    expect(weightsPlan({ ...PAPER_PRESET, pretrained: 'my-tiny' }, [tiny])[0]).toMatchObject({ kind: 'store', fits: false });
  });
});
