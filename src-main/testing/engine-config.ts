/** For specs: a complete engine config — the table's defaults (the paper's), then the given values. */
import { DEFAULTS } from '@shared/domain/train-config';
import { engineConfig, type EaderConfig } from '../engine/settings';

export function testEngineConfig(values: Partial<EaderConfig> & { numClasses: number }): EaderConfig {
  return { ...engineConfig(DEFAULTS, values.numClasses), ...values };
}
