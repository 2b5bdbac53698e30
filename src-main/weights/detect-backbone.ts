/**
 * Which of the engine's backbones a weights file holds, from its tensor names alone (torchvision
 * names, any prefix such as `module.`): the number of blocks per ResNet stage and whether they
 * are bottlenecks, as RESNET_LAYOUT declares them; or the `tiny` backbone's `blockN.conv`. Also
 * the size of the file's own classifier head `fc`, if any.
 */
import type { WeightsBackbone } from '@shared/domain/weights';
import { BACKBONE_CHANNELS } from '../engine/backbones/index';
import { RESNET_LAYOUT } from '../engine/backbones/resnet';
import type { SourceTensor, WeightLayout } from '../engine/backbones/weight-source';

export interface Detected {
  backbone: WeightsBackbone | null;
  /** What the names look like when they fit no engine backbone (for the message). */
  description: string;
  /** Outputs of `fc` (its [out,in] first dimension in torch layout), or null. */
  headClasses: number | null;
}

const STAGE = /(?:^|[./])layer([1-4])[./](\d+)[./]conv([1-3])[./](?:weight|kernel)(?::\d+)?$/;
const TINY = /(?:^|[./])block[1-4][./]conv[./](?:weight|kernel)(?::\d+)?$/;
const FC = /(?:^|[./])fc[./](?:weight|kernel)(?::\d+)?$/;

export function detectBackbone(tensors: readonly SourceTensor[], layout: WeightLayout): Detected {
  const blocks = [0, 0, 0, 0];
  let bottleneck = false;
  let tiny = 0;
  let fcShape: readonly number[] | null = null;
  for (const t of tensors) {
    const m = STAGE.exec(t.name);
    if (m) {
      const stage = Number(m[1]) - 1;
      blocks[stage] = Math.max(blocks[stage]!, Number(m[2]) + 1);
      if (m[3] === '3') bottleneck = true;
    }
    if (TINY.test(t.name)) tiny += 1;
    if (FC.test(t.name) && t.shape.length === 2) fcShape = t.shape;
  }
  const description = blocks.some((b) => b > 0) ? `ResNet stages of ${blocks.join('/')} ${bottleneck ? 'bottleneck' : 'basic'} blocks` : tiny ? 'tiny blocks' : 'no ResNet stages';
  let backbone: WeightsBackbone | null = null;
  for (const [kind, layoutOf] of Object.entries(RESNET_LAYOUT)) {
    if (layoutOf.bottleneck === bottleneck && layoutOf.blocks.every((b, i) => b === blocks[i])) backbone = kind as WeightsBackbone;
  }
  if (tiny === 4 && blocks.every((b) => b === 0)) backbone = 'tiny';
  return { backbone, description, headClasses: backbone && fcShape ? headSize(fcShape, layout, BACKBONE_CHANNELS[backbone]) : null };
}

/** The head's output count from its kernel shape: [out,in] in torch layout, [in,out] in tfjs; 'auto' by the feature channels. */
function headSize(shape: readonly number[], layout: WeightLayout, channels: number): number | null {
  const [a, b] = shape as [number, number];
  if (layout === 'torch') return a;
  if (layout === 'tfjs') return b;
  return b === channels ? a : a === channels ? b : null;
}
