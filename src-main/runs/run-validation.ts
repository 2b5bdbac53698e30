/** A run's validations (val BCE against the label prior, src-shared/domain/validation.ts) in its folder: written by the trainer, read by the run history and the CLI. */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Validation } from '@shared/domain/validation';
import { writeJsonAtomic } from '../fs/atomic-write';
import { runPaths } from './run-layout';

const ValidationFile = z.object({ format: z.literal('eader-validation/1'), validations: z.array(Validation) }).strict();

/** The run's validations, oldest first ([] when none was measured or the file is unreadable). */
export async function readValidations(runDir: string): Promise<Validation[]> {
  try {
    const parsed = ValidationFile.safeParse(JSON.parse(await readFile(runPaths(runDir).validation, 'utf8')));
    return parsed.success ? parsed.data.validations : [];
  } catch {
    return [];
  }
}

/** Add one validation to the run folder (atomically); one of the same step or later is replaced (a resumed run re-measures). */
export async function recordValidation(runDir: string, v: Validation): Promise<void> {
  const kept = (await readValidations(runDir)).filter((old) => old.step < v.step);
  await writeJsonAtomic(runPaths(runDir).validation, { format: 'eader-validation/1', validations: [...kept, v] });
}
