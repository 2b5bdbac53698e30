/** The Training area's presets. */
import { PAPER_PRESET, QUICK_PRESET } from '@shared/trainer-protocol';
import type { PresetId, TrainingPreset } from '@shared/domain/training-view';

export const TRAINING_PRESETS: readonly TrainingPreset[] = [
  {
    id: 'paper',
    label: 'Paper (GPU, 448 px, resnet)',
    description: 'The paper’s settings: ResNet localizer and ResNet-18 adversary at 448 px, SGD, 10 epochs. Needs a GPU backend to finish in hours.',
    config: PAPER_PRESET,
  },
  {
    id: 'quick',
    label: 'Quick (CPU, 64–128 px, tiny)',
    description: 'Tiny networks at 80 px with Adam: minutes on two CPU cores (wasm). For trying the method and the UI, not for final masks.',
    config: QUICK_PRESET,
  },
];

export function presetById(id: PresetId): TrainingPreset {
  const preset = TRAINING_PRESETS.find((p) => p.id === id);
  if (!preset) throw new Error(`Unknown preset ${id}`);
  return preset;
}
