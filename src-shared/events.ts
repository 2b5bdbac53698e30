/** Main→renderer events: one map, one typed payload each. */
import { z } from 'zod';
import { BackendInfo } from './domain/app-info';
import { ScanProgress } from './domain/dataset-view';
import { ThumbProgress } from './domain/project-view';
import { ExportProgressEvent } from './domain/export-view';
import { TrainingProgressEvent, TrainingSample, TrainingState } from './domain/training-view';
import { HeadJobState, PseudoJobState } from './domain/pseudo-view';
import { WeightsJob } from './domain/weights';
import { RoundJob } from './domain/segmenter-view';
import { EVENT_NAMES, isEventName, type EventName } from './names';

export const events = {
  'app:notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  'app:backend': BackendInfo,
  'dataset:progress': ScanProgress,
  'project:thumbs': ThumbProgress,
  'export:progress': ExportProgressEvent,
  'training:progress': TrainingProgressEvent,
  'training:sample': TrainingSample,
  'training:state': TrainingState,
  'pseudo:progress': PseudoJobState,
  /** The affinity-head job: after each seeded image and each training step. */
  'pseudo:head-progress': HeadJobState,
  /** A weights download or import: every change of its state (progress at most ~10 times a second). */
  'weights:progress': WeightsJob,
  'rounds:progress': RoundJob,
} as const satisfies Record<EventName, z.ZodType>;

export type Events = typeof events;
export type { EventName };
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

export { EVENT_NAMES, isEventName };
