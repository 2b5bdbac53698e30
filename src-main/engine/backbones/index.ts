import type { BackboneName } from '@shared/domain/train-config';
import type { BnSettings } from '../layers';
import type { ParamStore } from '../params';
import type { Rng } from '../rng';
import type { Backbone } from './backbone';
import { createPlain } from './plain';
import { createResnet, type ResnetOutputStride } from './resnet';

export type { Backbone } from './backbone';

/** Channels of each backbone's feature map (what its classifier head takes); the backbone spec checks them. */
export const BACKBONE_CHANNELS: Record<BackboneName, number> = { tiny: 128, tiny5: 128, resnet18: 512, resnet50: 2048, resnet101: 2048 };

export interface BackboneOptions {
  /**
   * The feature map's stride: the backbone's own by default (tiny 8, the ResNets 32). The ResNets
   * also run at 16 or 8 with dilated last stages (segmentation); tiny is stride 8 only.
   */
  outputStride?: ResnetOutputStride;
}

export function createBackbone(kind: BackboneName, store: ParamStore, rng: Rng, bn: BnSettings, options: BackboneOptions = {}): Backbone {
  const { outputStride } = options;
  if (kind === 'tiny' || kind === 'tiny5') {
    if (outputStride !== undefined && outputStride !== 8) throw new Error(`the ${kind} backbone has output stride 8 only, got ${outputStride}`);
    return createPlain(kind, store, rng, bn);
  }
  const depth = kind === 'resnet18' ? 18 : kind === 'resnet50' ? 50 : 101;
  return createResnet(depth, store, rng, bn, outputStride ?? 32);
}
