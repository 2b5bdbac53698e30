/**
 * The Training area's presets, as the settings table declares them (src-shared/domain/train-config.ts),
 * applied against the weights store's entries as they are now (src-shared/domain/preset-weights.ts).
 */
import { applyPreset } from '@shared/domain/preset-weights';
import { PRESET_TABLE, PresetId } from '@shared/domain/train-presets';
import type { TrainingPreset } from '@shared/domain/training-view';
import type { WeightsEntry } from '@shared/domain/weights';

export function trainingPresets(entries: readonly WeightsEntry[]): TrainingPreset[] {
  return PresetId.options.map((id) => ({ id, label: PRESET_TABLE[id].label, description: PRESET_TABLE[id].description, ...applyPreset(id, entries) }));
}
