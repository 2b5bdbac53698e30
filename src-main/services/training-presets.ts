/** The Training area's presets, as the settings table declares them (src-shared/domain/train-config.ts). */
import { PRESET_TABLE, PRESETS, PresetId } from '@shared/domain/train-config';
import type { TrainingPreset } from '@shared/domain/training-view';

export const TRAINING_PRESETS: readonly TrainingPreset[] = PresetId.options.map((id) => ({
  id,
  label: PRESET_TABLE[id].label,
  description: PRESET_TABLE[id].description,
  config: PRESETS[id],
}));
