/** A run's networks at one checkpoint, ready for inference: the run's saved config, the checkpoint's weights. */
import { EaderModel } from '../engine';
import { readCheckpoint } from '../runs/checkpoints';
import { readRunRecord, type RunRecord } from '../runs/run-store';
import { engineConfig } from '../engine/settings';

export interface RunModel {
  model: EaderModel;
  record: RunRecord;
  /** The checkpoint's global step. */
  step: number;
}

/** The caller disposes `model`. */
export async function loadRunModel(runDir: string, checkpointDir: string): Promise<RunModel> {
  const record = await readRunRecord(runDir);
  const state = await readCheckpoint(checkpointDir);
  // The checkpoint holds the weights: a pretrained file the run started from is not read again (it may be gone).
  const model = await EaderModel.create(engineConfig(record.config, record.dataset.classes.length - 1), { restoring: true });
  try {
    model.setState({ step: state.step, tensors: state.tensors, extra: state.extra ?? {} });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, record, step: state.step };
}
