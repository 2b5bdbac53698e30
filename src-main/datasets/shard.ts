/**
 * Shards: one of n parts of a per-image job, for the cluster schedulers users already have (a Slurm
 * array job, a Kubernetes indexed Job; docs/cluster.md). A shard is a contiguous block of the job's
 * images in the one order (`imagesOfSplit`: sorted by id), so n jobs together take every image
 * exactly once, each writes only the files of its own images, and what they write together is what
 * one job writes. Every per-image job selects its images through `selectShard` (or `imagesOfSplit`'s
 * shard argument) and names its own record with `shardTag`.
 */

/** Part `index` of `count`; `index` counts from 1, as Slurm's `--array=1-n` does. */
export interface Shard {
  index: number;
  count: number;
}

/** At most this many shards (a Slurm array's usual MaxArraySize is 1001). */
export const MAX_SHARDS = 100_000;

/** Parse `i/n` (1 ≤ i ≤ n). The error says what was wrong, and how to pass Kubernetes' 0-based index. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || !(count >= 1 && count <= MAX_SHARDS) || !(index >= 1 && index <= count)) {
    const hint = match && index === 0 ? ' (shards count from 1; Kubernetes’ JOB_COMPLETION_INDEX counts from 0: pass $((JOB_COMPLETION_INDEX + 1))/n)' : '';
    throw new Error(`--shard must be i/n with 1 ≤ i ≤ n ≤ ${MAX_SHARDS}, e.g. 3/16; got "${text}"${hint}.`);
  }
  return { index, count };
}

/** The half-open range [start, end) of `total` items that a shard takes: balanced contiguous blocks. */
export function shardRange(total: number, shard: Shard): { start: number; end: number } {
  return { start: Math.floor(((shard.index - 1) * total) / shard.count), end: Math.floor((shard.index * total) / shard.count) };
}

/** The shard's part of `items` (in their order); all of them when `shard` is null. */
export function selectShard<T>(items: readonly T[], shard: Shard | null | undefined): T[] {
  if (!shard) return [...items];
  const { start, end } = shardRange(items.length, shard);
  return items.slice(start, end);
}

/** `3/16`. */
export const shardLabel = (shard: Shard): string => `${shard.index}/${shard.count}`;

/** `shard-03-of-16`: the index padded to the width of the count, so a folder lists shards in order. */
export const shardTag = (shard: Shard): string => `shard-${String(shard.index).padStart(String(shard.count).length, '0')}-of-${shard.count}`;
