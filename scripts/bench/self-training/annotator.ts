/**
 * The SIMULATED annotator of the self-training bench: it "corrects" an image by copying the
 * dataset's ground-truth mask into the trusted folder. No person is involved; real corrections are
 * slower, and imperfect.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeRng } from '../../../src-main/engine/rng';

/** The next `count` images to correct: the queue's worst first, or a seeded random pick; never one already corrected. */
export function pickCorrections(queue: readonly string[], pool: readonly string[], done: ReadonlySet<string>, count: number, order: 'worst-first' | 'random', seed: number): string[] {
  if (order === 'worst-first') return queue.filter((id) => !done.has(id)).slice(0, count);
  const left = pool.filter((id) => !done.has(id));
  const rng = makeRng(seed);
  for (let i = left.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [left[i], left[j]] = [left[j]!, left[i]!];
  }
  return left.slice(0, count);
}

/** Copies the GT masks of `ids` (VOC layout) into `dir` as the "corrections". */
export async function correctByGt(vocYear: string, ids: readonly string[], dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const id of ids) await copyFile(join(vocYear, 'SegmentationClass', `${id}.png`), join(dir, `${id}.png`));
}
