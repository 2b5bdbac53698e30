import type { BackboneKind } from '../config';
import type { BnSettings } from '../layers';
import type { ParamStore } from '../params';
import type { Rng } from '../rng';
import type { Backbone } from './backbone';
import { createPlain } from './plain';
import { createResnet } from './resnet';
import { createTiny } from './tiny';

export type { Backbone } from './backbone';

export function createBackbone(kind: BackboneKind, store: ParamStore, rng: Rng, bn: BnSettings): Backbone {
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
