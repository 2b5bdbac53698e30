/**
 * A localizer run's trained backbone as a WeightSource, to start a segmenter from (a warm start:
 * the localizer has already learned features of the dataset's classes, where a segmenter from
 * scratch spends its budget learning them again; with no ImageNet weights in the store, as on a
 * CPU machine, it is the only pretraining there is). Its newest complete checkpoint; only the
 * localizer network's tensors (`localizer/<name>`: the adversary's and the optimizer's are left
 * out), in the engine's own layout. engine/backbones/pretrained.ts maps `localizer/block1.conv.weight`
 * to the store's `block1.conv.weight`; the segmenter's dilated ResNets keep the same parameters.
 */
import type { BackboneName } from '@shared/domain/train-config';
import type { WeightSource } from '../engine/backbones/weight-source';
import { loadLatestCheckpoint } from '../runs/checkpoints';
import { readAnyRunRecord, runPaths } from '../runs/run-store';

const NET = 'localizer/';

export interface LocalizerBackbone {
  source: WeightSource;
  runId: string;
  /** The checkpoint's global step. */
  step: number;
  backbone: BackboneName;
}

export async function localizerBackboneSource(runDir: string): Promise<LocalizerBackbone> {
  const record = await readAnyRunRecord(runDir);
  if (record.kind !== 'localizer') throw new Error(`${runDir} is a segmenter run: a segmenter starts from a localizer run's backbone.`);
  const latest = await loadLatestCheckpoint(runPaths(runDir).checkpoints);
  if (!latest) throw new Error(`${runDir} has no complete checkpoint to start a segmenter from.`);
  const tensors = latest.state.tensors
    .filter((t) => t.name.startsWith(NET) && t.dtype === 'float32')
    .map((t) => ({ name: t.name, dtype: 'float32' as const, shape: t.shape, read: () => Promise.resolve(t.data as Float32Array) }));
  return { source: { file: latest.info.dir, layout: 'tfjs', tensors }, runId: record.runId, step: latest.state.step, backbone: record.config.backbone };
}
