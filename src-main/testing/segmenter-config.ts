/** For specs: a complete segmenter engine config — the quick preset, then the given values. */
import { SEGMENTER_PRESETS } from '@shared/domain/segmenter-config';
import { segmenterEngineConfig, type SegmenterEngineConfig } from '../engine/segmenter/settings';

export function testSegmenterConfig(values: Partial<SegmenterEngineConfig> & { numClasses: number }): SegmenterEngineConfig {
  return { ...segmenterEngineConfig(SEGMENTER_PRESETS.quick, values.numClasses), ...values };
}
