/**
 * A run as a source of masks, whatever its kind: a localizer run gives cams (cam-compute.ts), a
 * segmenter run its predictions (prediction-compute.ts); both fill the same cache record, which the
 * one rendering pipeline turns into masks. The run record says which.
 */
import type { RgbImage } from '@shared/domain/dataset';
import type { RunKind } from '@shared/domain/training-view';
import { segmenterEngineConfig, SegmenterModel } from '../engine/segmenter';
import { readCheckpoint } from '../runs/checkpoints';
import { readAnyRunRecord, type AnyRunRecord } from '../runs/run-store';
import type { AffinityModel } from '../engine/affinity/affinity-model';
import { headOfKey } from './affinity-head';
import type { CachedCams, CamCacheKey } from './cam-cache';
import { computeImageCams, type CamSettings } from './cam-compute';
import { computeImagePrediction } from './prediction-compute';
import { loadRunModel } from './run-model';

export interface MaskSource {
  kind: RunKind;
  record: AnyRunRecord;
  /** The checkpoint's global step. */
  step: number;
  /** One image's cache record; `gtLabels` are dataset class indices (≥ 1). */
  compute(image: RgbImage, gtLabels: readonly number[], settings: CamSettings): Promise<CachedCams>;
  dispose(): void;
}

/**
 * A run's network at one checkpoint, ready for inference (the caller disposes it). A localizer run
 * whose cam key names an affinity head also loads the head, so its records carry the embedding the
 * `rw` refiner walks on.
 */
export async function loadMaskSource(runDir: string, checkpointDir: string, key: Pick<CamCacheKey, 'checkpointSha256' | 'affinityHead'> = { checkpointSha256: '' }): Promise<MaskSource> {
  const record = await readAnyRunRecord(runDir);
  if (record.kind === 'localizer') {
    const { model, step } = await loadRunModel(runDir, checkpointDir);
    let head: AffinityModel | null;
    try {
      head = await headOfKey(runDir, key, model.localizer);
    } catch (error) {
      model.dispose();
      throw error;
    }
    const dispose = (): void => {
      head?.dispose();
      model.dispose();
    };
    return { kind: 'localizer', record, step, compute: (image, labels, settings) => computeImageCams(model, image, labels, settings, head), dispose };
  }
  if (key.affinityHead) throw new Error(`Run ${runDir} is a segmenter run: the rw refiner refines a localizer run's cams.`);
  const state = await readCheckpoint(checkpointDir);
  const K = record.dataset.classes.length - 1;
  const engineState = { step: state.step, tensors: state.tensors, extra: state.extra ?? {} };
  const restore = <M extends { setState(s: typeof engineState): void; dispose(): void }>(model: M): M => {
    try {
      model.setState(engineState);
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  };
  const model = restore(await SegmenterModel.create(segmenterEngineConfig(record.config, K), { restoring: true }));
  return { kind: 'segmenter', record, step: state.step, compute: (image, labels, settings) => computeImagePrediction(model, image, labels, settings), dispose: () => model.dispose() };
}
