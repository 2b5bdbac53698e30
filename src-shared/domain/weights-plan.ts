/**
 * What each network of a config will start from, against the weights store's entries: the
 * Training area says it plainly (from scratch, and how to get ImageNet weights; or which weights).
 * Pure: the renderer computes it from the config being edited and the `weights:list` listing.
 */
import type { TrainConfig } from './train-config';
import { IMAGENET_RELEASES, RELEASE_KEYS, entryHoldsRelease, type ReleaseKey, type WeightsEntry } from './weights';

export type NetworkStart =
  | {
      network: 'localizer' | 'adversary';
      backbone: string;
      kind: 'scratch';
      /** The ImageNet release of this backbone (to download), null when there is none (tiny). */
      release: ReleaseKey | null;
      /** A store entry that already holds that release, to choose. */
      stored: string | null;
    }
  | { network: 'localizer' | 'adversary'; backbone: string; kind: 'store'; entry: Pick<WeightsEntry, 'name' | 'backbone' | 'sha256'>; fits: boolean }
  | { network: 'localizer' | 'adversary'; backbone: string; kind: 'file'; path: string };

/** One line per network with weights of its own (none for an adversary that is none or shared). */
export function weightsPlan(config: Pick<TrainConfig, 'backbone' | 'adversary' | 'pretrained' | 'adversaryPretrained'>, entries: readonly Pick<WeightsEntry, 'name' | 'backbone' | 'sha256'>[]): NetworkStart[] {
  const networks: { network: 'localizer' | 'adversary'; backbone: string; ref: string | null }[] = [{ network: 'localizer', backbone: config.backbone, ref: config.pretrained }];
  if (config.adversary !== 'none' && config.adversary !== 'shared') networks.push({ network: 'adversary', backbone: config.adversary, ref: config.adversaryPretrained });
  return networks.map(({ network, backbone, ref }): NetworkStart => {
    if (ref === null) {
      const release = RELEASE_KEYS.find((key) => IMAGENET_RELEASES[key].backbone === backbone) ?? null;
      const stored = release ? (entries.find((e) => entryHoldsRelease(e, release))?.name ?? null) : null;
      return { network, backbone, kind: 'scratch', release, stored };
    }
    const entry = entries.find((e) => e.name === ref);
    if (entry) return { network, backbone, kind: 'store', entry, fits: entry.backbone === backbone };
    return { network, backbone, kind: 'file', path: ref };
  });
}
