import type { BackboneName } from '@shared/domain/train-config';
import type { BnSettings } from '../layers';
import type { ParamStore } from '../params';
import type { Rng } from '../rng';
import type { Backbone } from './backbone';
import { createPlain } from './plain';
import { createResnet } from './resnet';
import { createTiny } from './tiny';

export type { Backbone } from './backbone';

/** Channels of each backbone's feature map (what its classifier head takes); the backbone spec checks them. */
export const BACKBONE_CHANNELS: Record<BackboneName, number> = { tiny: 128, tiny5: 128, resnet18: 512, resnet50: 2048, resnet101: 2048 };

export function createBackbone(kind: BackboneName, store: ParamStore, rng: Rng, bn: BnSettings): Backbone {
  switch (kind) {
    case 'tiny':
      return createTiny(store, rng, bn);
    case 'tiny5':
      return createPlain('tiny5', store, rng, bn);
    case 'resnet18':
      return createResnet(18, store, rng, bn);
    case 'resnet50':
      return createResnet(50, store, rng, bn);
    case 'resnet101':
      return createResnet(101, store, rng, bn);
  }
}
