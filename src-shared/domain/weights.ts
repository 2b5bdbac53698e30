/**
 * The weights store's records ($EADER_HOME/weights/<name>/entry.json), as the CLI, the trainer and
 * (through the contract) the UI see them. One entry is one converted weight set: the engine's layout
 * in `weights.safetensors`, the provenance here.
 */
import { z } from 'zod';

/** A store name: also its folder name, so no separators and no leading dot. */
export const WeightsName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a weights name is 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit');
export type WeightsName = z.infer<typeof WeightsName>;

export const WeightsBackbone = z.enum(['tiny', 'resnet18', 'resnet50', 'resnet101']);
export type WeightsBackbone = z.infer<typeof WeightsBackbone>;

export const WeightsSource = z.discriminatedUnion('kind', [
  /** Imported from a local file (the path as given, resolved). */
  z.object({ kind: z.literal('file'), path: z.string() }),
  /** Downloaded from a public release (`release` is the download table's key, e.g. resnet50). */
  z.object({ kind: z.literal('download'), url: z.string(), release: z.string() }),
]);
export type WeightsSource = z.infer<typeof WeightsSource>;

export const WeightsEntry = z.object({
  format: z.literal('eader-weights/1'),
  name: WeightsName,
  backbone: WeightsBackbone,
  /** Outputs of the file's own classifier head (1000 for ImageNet), or null when it had none. */
  headClasses: z.number().int().positive().nullable(),
  /** SHA-256 (hex) of the source file, as imported or downloaded: what a run records. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 of the stored weights.safetensors, checked each time the entry is opened. */
  storedSha256: z.string().regex(/^[0-9a-f]{64}$/),
  source: WeightsSource,
  sourceFormat: z.enum(['pth', 'safetensors', 'tfjs']),
  importedAt: z.string(),
  /** Tensors and scalars stored (backbone, BN statistics, and the head when present). */
  tensors: z.number().int().nonnegative(),
  parameters: z.number().int().nonnegative(),
  /** File tensors that were not used (e.g. `num_batches_tracked`). */
  ignored: z.array(z.string()),
});
export type WeightsEntry = z.infer<typeof WeightsEntry>;

/** Download progress (bytes so far of the whole file, including a resumed part). */
export const WeightsDownloadProgress = z.object({
  release: z.string(),
  received: z.number().int().nonnegative(),
  /** null when the server sent no length. */
  total: z.number().int().positive().nullable(),
  /** Bytes that were already on disk from an interrupted attempt. */
  resumedFrom: z.number().int().nonnegative(),
});
export type WeightsDownloadProgress = z.infer<typeof WeightsDownloadProgress>;
