/**
 * A GPU fault (engine/backend/webgpu/faults.ts) as the run's outcome: what happened, at which step,
 * the checkpoint the run can resume from, and a smaller batch to try. Out of memory → 'OOM', a lost
 * device → 'DEVICE_LOST', a rejected kernel → 'INTERNAL'. No checkpoint is written after a fault
 * (its reads fail with the same fault), so the last one on disk is the one before it.
 */
import { adapterLabel, type GpuAdapter } from '@shared/domain/app-info';
import type { TrainerErrorCode } from '@shared/trainer-protocol';
import { mib, type GpuFault } from '../engine/backend/webgpu/faults';

/** The adapter a run trains on, for the run's log: vendor, architecture and the memory limits. */
export function webGpuAdapterLine(adapter: GpuAdapter): string {
  return `WebGPU adapter: ${adapterLabel(adapter)}; vendor ${adapter.vendor || '?'}, architecture ${adapter.architecture || '?'}; largest buffer ${mib(adapter.maxBufferSize)}, largest tensor ${mib(adapter.maxStorageBufferBindingSize)}.`;
}

export interface FaultContext {
  /** Steps done when the fault surfaced. */
  step: number;
  totalSteps: number;
  /** The last complete checkpoint's step, or null. */
  checkpointStep: number | null;
  batchSize: number;
  imageSize: number;
}

/** Half the batch (at least 1): the advice for an out-of-memory or a lost device. */
export function smallerBatch(batchSize: number): number {
  return Math.max(1, Math.floor(batchSize / 2));
}

export function gpuFaultOutcome(fault: GpuFault, ctx: FaultContext): { code: Extract<TrainerErrorCode, 'OOM' | 'DEVICE_LOST' | 'INTERNAL'>; message: string } {
  const where = `at step ${ctx.step} of ${ctx.totalSteps} (batch ${ctx.batchSize}, ${ctx.imageSize} px)`;
  const resume =
    ctx.checkpointStep !== null ? `The last checkpoint is step ${ctx.checkpointStep}: resume the run to continue from it.` : 'No checkpoint was written yet: the run starts over.';
  const smaller = smallerBatch(ctx.batchSize);
  const batch = smaller < ctx.batchSize ? `--batch-size ${smaller}` : 'a smaller --image-size';
  switch (fault.kind) {
    case 'out-of-memory':
      return { code: 'OOM', message: `${fault.message} ${where}. ${resume} Try ${batch} (or a smaller --image-size).` };
    case 'device-lost':
      return {
        code: 'DEVICE_LOST',
        message: `${fault.message} ${where}. ${resume} A lost device often follows running out of GPU memory or a driver reset: if it happens again, try ${batch}.`,
      };
    case 'validation':
      return { code: 'INTERNAL', message: `${fault.message} ${where}. ${resume}` };
  }
}
