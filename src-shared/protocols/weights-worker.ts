/**
 * The protocol between the main side and a weights worker (out/main/weights-worker.js): one
 * download or import per worker, so the network transfer, the SHA-256 over hundreds of MB and the
 * tfjs check of an import never run on the main process's event loop. Checked on arrival and
 * before sending, on both sides (src-main/processes). Cancelling is ending the worker: a download
 * keeps its partial file (the next one resumes it), an import leaves no entry.
 */
import { z } from 'zod';
import { WeightsBackbone, WeightsDownloadProgress, WeightsEntry, WeightsName } from '../domain/weights';

/** A release to fetch (src-main/weights/download.ts `Release`): the URL's file name carries its SHA-256 prefix. */
export const WeightsReleaseSpec = z.object({ key: z.string().min(1), url: z.url(), backbone: WeightsBackbone, weights: z.string() }).strict();

export const WeightsTask = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('download'), release: WeightsReleaseSpec, name: WeightsName }).strict(),
  z.object({ kind: z.literal('import'), file: z.string().min(1).max(4096), name: WeightsName }).strict(),
]);
export type WeightsTask = z.infer<typeof WeightsTask>;

/** parent → worker */
export const ToWeightsWorker = z.discriminatedUnion('type', [
  /** `root`: the weights store ($EADER_HOME/weights) the task writes into. */
  z.object({ type: z.literal('run'), task: WeightsTask, root: z.string().min(1) }).strict(),
]);
export type ToWeightsWorker = z.infer<typeof ToWeightsWorker>;

/** worker → parent */
export const FromWeightsWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }).strict(),
  z.object({ type: z.literal('progress'), progress: WeightsDownloadProgress }).strict(),
  z.object({ type: z.literal('phase'), phase: z.enum(['verify', 'import']) }).strict(),
  z.object({ type: z.literal('done'), entry: WeightsEntry }).strict(),
  /** The task failed (offline, a wrong checksum, a file that does not load); the worker then exits. */
  z.object({ type: z.literal('error'), message: z.string() }).strict(),
]);
export type FromWeightsWorker = z.infer<typeof FromWeightsWorker>;
