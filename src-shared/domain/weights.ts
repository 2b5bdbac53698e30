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

/**
 * torchvision's ImageNet ResNet releases (torchvision 0.14 `ResNet*_Weights`, all under
 * https://download.pytorch.org/models/): the one table `eader weights download`, the Training
 * area's download buttons and the presets' weight preferences use. The hex in each file name is
 * the published SHA-256 prefix (torch.hub's convention). The plain names are IMAGENET1K_V1, the
 * weights the EADER reference trained from.
 */
export const IMAGENET_RELEASES = {
  resnet18: { file: 'resnet18-f37072fd.pth', backbone: 'resnet18', weights: 'IMAGENET1K_V1' },
  resnet50: { file: 'resnet50-0676ba61.pth', backbone: 'resnet50', weights: 'IMAGENET1K_V1' },
  resnet101: { file: 'resnet101-63fe2227.pth', backbone: 'resnet101', weights: 'IMAGENET1K_V1' },
  'resnet50-v2': { file: 'resnet50-11ad3fa6.pth', backbone: 'resnet50', weights: 'IMAGENET1K_V2' },
  'resnet101-v2': { file: 'resnet101-cd907fc2.pth', backbone: 'resnet101', weights: 'IMAGENET1K_V2' },
} as const satisfies Record<string, { file: string; backbone: WeightsBackbone; weights: string }>;
export type ReleaseKey = keyof typeof IMAGENET_RELEASES;
export const RELEASE_KEYS = Object.keys(IMAGENET_RELEASES) as ReleaseKey[];

/** The SHA-256 prefix a release file name publishes (`resnet50-0676ba61.pth` → `0676ba61`), or null. */
export function fileHashPrefix(file: string): string | null {
  return /-([0-9a-f]{6,64})\.[A-Za-z0-9]+$/.exec(file)?.[1] ?? null;
}

/**
 * Is `entry` the release `key`'s weights? Decided by content, not by name or by how the file came
 * into the store: its source file's SHA-256 starts with the published prefix and the backbone fits.
 */
export function entryHoldsRelease(entry: Pick<WeightsEntry, 'backbone' | 'sha256'>, key: ReleaseKey): boolean {
  const release = IMAGENET_RELEASES[key];
  const prefix = fileHashPrefix(release.file);
  return prefix !== null && entry.backbone === release.backbone && entry.sha256.startsWith(prefix);
}

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

/**
 * Where a run's pretrained weights came from, as its record keeps it (runs/run-store.ts): the
 * reference as given, what it resolved to, and the SHA-256 of the source file.
 */
export const WeightsProvenance = z.object({
  /** As the user gave it (a store name or a path). */
  ref: z.string(),
  kind: z.enum(['store', 'file']),
  /** The store entry's name, or the file's absolute path. */
  resolved: z.string(),
  /** SHA-256 (hex) of the source file (a store entry's recorded one). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  backbone: z.string().nullable(),
});
export type WeightsProvenance = z.infer<typeof WeightsProvenance>;

/** A run's pretrained weights: per network, its provenance, or null (from scratch). */
export const RunWeights = z.object({ localizer: WeightsProvenance.nullable(), adversary: WeightsProvenance.nullable() });
export type RunWeights = z.infer<typeof RunWeights>;
export const NO_WEIGHTS: RunWeights = { localizer: null, adversary: null };

// ---------------------------------------------------------------------------------------------
// the Training area's weights panel

/** A download or an import run by the app, in a weights worker process (src-main/services/weights-service.ts). */
export const WeightsJob = z.object({
  id: z.number().int().positive(),
  kind: z.enum(['download', 'import']),
  /** The release key (download) or the file (import). */
  source: z.string(),
  /** The store name it goes to. */
  name: z.string(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** download → verify (SHA-256) → import (the tfjs check and the conversion). */
  phase: z.enum(['starting', 'download', 'verify', 'import']),
  progress: WeightsDownloadProgress.nullable(),
  entry: WeightsEntry.nullable(),
  message: z.string().nullable(),
});
export type WeightsJob = z.infer<typeof WeightsJob>;

/** `weights:list`: the store, the releases it can download (and which entry holds each), the job. */
export const WeightsListing = z.object({
  root: z.string(),
  entries: z.array(WeightsEntry),
  /** Folders in the store that are not a readable entry, and why. */
  problems: z.array(z.object({ name: z.string(), reason: z.string() })),
  releases: z.array(
    z.object({
      key: z.string(),
      backbone: WeightsBackbone,
      weights: z.string(),
      file: z.string(),
      /** The store entry that holds this release's weights (by SHA-256), or null. */
      stored: z.string().nullable(),
    }),
  ),
  job: WeightsJob.nullable(),
});
export type WeightsListing = z.infer<typeof WeightsListing>;
