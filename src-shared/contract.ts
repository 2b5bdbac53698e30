/**
 * The one typed contract between the renderer and the main side.
 * Every channel names a zod input and output schema; both transports (Electron IPC and the
 * WebSocket host) dispatch through the same table, so a channel exists everywhere or nowhere.
 */
import { z } from 'zod';
import { AppInfo } from './domain/app-info';
import { Bytes } from './domain/bytes';
import { ExportRequest, ExportResult } from './domain/export-view';
import { MaskDocumentPayload, MaskImportResult, MaskRevisionInfo, MaskSaveInput, ReviewRecordPayload } from './domain/mask-view';
import { ProjectInfo, ReviewUpdate } from './domain/project-view';
import { DatasetSummary, EncodedImage, ImagePage, ImageQuery, MaskPayload } from './domain/dataset-view';
import { RunDetail, RunId, RunSummary, TrainingPreset, TrainingState, TrainingStatus } from './domain/training-view';
import { HeadJobState, HeadTrainInput, PseudoAcceptInput, PseudoAcceptResult, PseudoCacheInfo, PseudoCams, PseudoEvalResult, PseudoGenerateInput, PseudoJobState, PseudoQueue, PseudoScopeInput } from './domain/pseudo-view';
import { RoundJob, RoundSettings, RoundsView } from './domain/segmenter-view';
import { CHANNEL_NAMES, isChannel, type ChannelName } from './names';
import { TrainConfig } from './domain/train-config';
import { PresetId } from './domain/train-presets';
import { WeightsJob, WeightsListing, WeightsName } from './domain/weights';

/** Default bound on one call's input, in bytes; a channel may raise it with `maxInputBytes`. */
export const DEFAULT_MAX_INPUT_BYTES = 1 << 20;

export interface ChannelSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  maxInputBytes?: number;
}

const channel = <I extends z.ZodType, O extends z.ZodType>(spec: ChannelSpec<I, O>): ChannelSpec<I, O> => spec;

const ImageId = z.object({ id: z.string().min(1).max(512) }).strict();

const FolderPath = z.string().min(1).max(4096);

const NoInput = z.union([z.undefined(), z.null(), z.object({}).strict()]);

export const contract = {
  'app:info': channel({ input: NoInput, output: AppInfo }),
  'app:ping': channel({
    input: z.object({ sentAt: z.number() }).strict(),
    output: z.object({ sentAt: z.number(), receivedAt: z.number() }),
  }),
  'app:echo-bytes': channel({
    input: z.object({ bytes: Bytes }).strict(),
    output: z.object({ length: z.number().int(), checksum: z.number().int() }),
    maxInputBytes: 8 << 20,
  }),
  /** A native folder dialog (Electron only; the host answers UNAVAILABLE and the UI shows a path field). */
  'app:pick-folder': channel({
    input: z.object({ title: z.string().max(200), files: z.boolean().optional() }).strict(),
    output: z.string().nullable(),
  }),
  'dataset:open': channel({
    input: z.union([z.object({ path: z.string().min(1).max(4096) }).strict(), z.object({ demo: z.literal(true) }).strict()]),
    output: DatasetSummary,
  }),
  'dataset:current': channel({ input: NoInput, output: DatasetSummary.nullable() }),
  'dataset:images': channel({ input: ImageQuery, output: ImagePage }),
  'dataset:thumbnail': channel({ input: ImageId, output: EncodedImage }),
  'dataset:image': channel({ input: ImageId.extend({ maxSide: z.number().int().min(64).max(8192).optional() }).strict(), output: EncodedImage }),
  'dataset:gt': channel({ input: ImageId, output: MaskPayload.nullable() }),
  'project:create': channel({
    input: z.object({ dir: FolderPath, datasetPath: FolderPath.optional() }).strict(),
    output: ProjectInfo,
  }),
  'project:open': channel({ input: z.object({ dir: FolderPath }).strict(), output: ProjectInfo }),
  'project:current': channel({ input: NoInput, output: ProjectInfo.nullable() }),
  'project:set-review': channel({ input: ReviewUpdate, output: z.null() }),
  'project:review': channel({ input: ImageId, output: ReviewRecordPayload }),
  'mask:load': channel({ input: ImageId, output: MaskDocumentPayload }),
  // A 16k×16k mask is 256 MB; the editor's practical ceiling is 4096² = 16 MB (base64 over the host).
  'mask:save': channel({ input: MaskSaveInput, output: z.object({ revision: z.number().int() }), maxInputBytes: 40 << 20 }),
  'mask:import': channel({ input: z.object({ dir: FolderPath }).strict(), output: MaskImportResult }),
  'export:run': channel({ input: ExportRequest, output: ExportResult }),
  'mask:revisions': channel({ input: ImageId, output: z.array(MaskRevisionInfo) }),
  'mask:revert': channel({ input: ImageId.extend({ n: z.number().int().positive() }).strict(), output: z.object({ revision: z.number().int() }) }),
  'training:presets': channel({ input: NoInput, output: z.object({ presets: z.array(TrainingPreset) }) }),
  'training:start': channel({ input: z.object({ config: TrainConfig, preset: PresetId.nullable().optional() }).strict(), output: TrainingState }),
  'training:control': channel({ input: z.object({ action: z.enum(['pause', 'resume', 'stop']) }).strict(), output: TrainingState }),
  'training:status': channel({ input: NoInput, output: TrainingStatus }),
  'training:runs': channel({ input: NoInput, output: z.array(RunSummary) }),
  'training:run': channel({ input: z.object({ runId: RunId }).strict(), output: RunDetail }),
  'training:delete': channel({ input: z.object({ runId: RunId }).strict(), output: z.object({ deleted: z.string() }) }),
  'training:resume-run': channel({ input: z.object({ runId: RunId }).strict(), output: TrainingState }),
  'pseudo:generate': channel({ input: PseudoGenerateInput, output: PseudoJobState, maxInputBytes: 8 << 20 }),
  'pseudo:status': channel({ input: NoInput, output: PseudoJobState.nullable() }),
  'pseudo:cancel': channel({ input: NoInput, output: PseudoJobState.nullable() }),
  'pseudo:cache': channel({ input: z.object({ runId: RunId }).strict(), output: PseudoCacheInfo.nullable() }),
  // At most 64 images per call: a 256² grid with 3 classes and its guide image is ~400 kB.
  'pseudo:cams': channel({ input: z.object({ runId: RunId, ids: z.array(z.string().min(1).max(512)).min(1).max(64) }).strict(), output: z.object({ items: z.array(PseudoCams), missing: z.array(z.string()) }) }),
  'pseudo:evaluate': channel({ input: PseudoScopeInput, output: PseudoEvalResult, maxInputBytes: 8 << 20 }),
  'pseudo:queue': channel({ input: PseudoScopeInput, output: PseudoQueue, maxInputBytes: 8 << 20 }),
  'pseudo:accept': channel({ input: PseudoAcceptInput, output: PseudoAcceptResult, maxInputBytes: 8 << 20 }),
  /** Starts training the run's affinity head in a pseudo-mask worker (resuming its checkpoint); `pseudo:head-progress` events follow. */
  'pseudo:train-head': channel({ input: HeadTrainInput, output: HeadJobState }),
  'pseudo:head-status': channel({ input: NoInput, output: HeadJobState.nullable() }),
  'pseudo:head-cancel': channel({ input: NoInput, output: HeadJobState.nullable() }),
  'weights:list': channel({ input: NoInput, output: WeightsListing }),
  /** Starts a download in a weights worker; `weights:progress` events follow. */
  'weights:download': channel({ input: z.object({ release: z.string().min(1).max(64), name: WeightsName.optional() }).strict(), output: WeightsJob }),
  /** Starts an import of a file (a path field in the browser host, the native dialog in Electron). */
  'weights:import': channel({ input: z.object({ path: FolderPath, name: WeightsName.optional() }).strict(), output: WeightsJob }),
  'weights:cancel': channel({ input: NoInput, output: WeightsJob.nullable() }),
  /** The loop's rounds for a localizer run (docs/segmenter.md). */
  'rounds:list': channel({ input: z.object({ localizerRunId: RunId }).strict(), output: RoundsView }),
  /** Start the next round from the project's current corrections (returns at once; progress by event). */
  'rounds:start': channel({ input: z.object({ localizerRunId: RunId, settings: RoundSettings.default(RoundSettings.parse({})) }).strict(), output: RoundJob }),
} as const satisfies Record<ChannelName, ChannelSpec>;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export const CHANNELS: readonly Channel[] = CHANNEL_NAMES;
export { isChannel };
