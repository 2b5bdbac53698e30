/**
 * Applying a preset against the weights store. A preset declares the ImageNet releases it prefers
 * per weights setting (PRESET_TABLE's `weights`, src-shared/domain/train-config.ts); applying it
 * takes, per setting, the first preferred release that some store entry holds (by content: the
 * entry's SHA-256 starts with the release's published prefix), names that entry in the setting and
 * sets the network it loads into to the release's backbone. Without one, the preset's own settings
 * stand: the network trains from scratch, and the release that would help is named.
 *
 * The Training area applies presets when it lists them (the store as it is then) and the CLI when
 * `eader train` starts, so a run's config always names concrete weights (or none), never a
 * preference: the record says what was used.
 */
import { z } from 'zod';
import { SETTINGS, TrainConfig, type SettingKey } from './train-config';
import { PRESET_TABLE, PRESETS, type PresetId, type WeightsSettingKey } from './train-presets';
import { IMAGENET_RELEASES, entryHoldsRelease, type ReleaseKey, type WeightsEntry } from './weights';

export const PresetWeights = z.object({
  /** Weights the preset took from the store. */
  used: z.array(z.object({ setting: z.enum(['pretrained', 'adversaryPretrained']), entry: z.string(), release: z.string() })),
  /** Settings the preset would fill if the store held a release (the first preferred one, to download). */
  missing: z.array(z.object({ setting: z.enum(['pretrained', 'adversaryPretrained']), release: z.string() })),
});
export type PresetWeights = z.infer<typeof PresetWeights>;

export interface AppliedPreset {
  config: TrainConfig;
  weights: PresetWeights;
}

type Preferences = Partial<Record<WeightsSettingKey, readonly ReleaseKey[]>>;

/** The preset's weight preferences (none for most). */
export function presetPreferences(id: PresetId): Preferences {
  return (PRESET_TABLE[id] as { weights?: Preferences }).weights ?? {};
}

/**
 * Preset `id` with its preferred weights taken from `entries` (a store listing). Entries are tried
 * in name order, so the result does not depend on the listing's order. `given` holds settings the
 * user fixed (CLI flags): a weights setting given is not filled, and a network given keeps its
 * backbone (only releases of that backbone are preferred). The result is the preset alone; the
 * caller puts `given` on top.
 */
export function applyPreset(id: PresetId, entries: readonly Pick<WeightsEntry, 'name' | 'backbone' | 'sha256'>[], given: Partial<Record<SettingKey, unknown>> = {}): AppliedPreset {
  const config: Record<string, unknown> = { ...PRESETS[id] };
  const weights: PresetWeights = { used: [], missing: [] };
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [setting, releases] of Object.entries(presetPreferences(id)) as [WeightsSettingKey, readonly ReleaseKey[]][]) {
    if (given[setting] !== undefined) continue;
    const network = SETTINGS[setting].weightsFor as SettingKey | undefined;
    const options = network ? (SETTINGS[network] as { options?: readonly unknown[] }).options : undefined;
    if (!network || !options) throw new Error(`preset ${id}: ${setting} names no network to load into`);
    const fixed = given[network];
    const usable = releases.filter((key) => options.includes(IMAGENET_RELEASES[key].backbone) && (fixed === undefined || fixed === IMAGENET_RELEASES[key].backbone));
    let found: { key: ReleaseKey; entry: string } | null = null;
    for (const key of usable) {
      const entry = sorted.find((e) => entryHoldsRelease(e, key));
      if (entry) {
        found = { key, entry: entry.name };
        break;
      }
    }
    if (found) {
      config[setting] = found.entry;
      config[network] = IMAGENET_RELEASES[found.key].backbone;
      weights.used.push({ setting, entry: found.entry, release: found.key });
    } else if (usable[0]) {
      weights.missing.push({ setting, release: usable[0] });
    }
  }
  return { config: TrainConfig.parse(config), weights };
}
