/** For specs: the weight files made by scripts/fixtures/make-format-fixtures.py and their expected values. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const WEIGHT_FIXTURES = join(import.meta.dirname, 'fixtures', 'weights');

export const weightFixture = (name: string): string => join(WEIGHT_FIXTURES, name);

export interface ExpectedTensor {
  shape: number[];
  values: number[];
}

/** Every tensor of tiny.pth / tiny.safetensors: shape and values (as float64 of the stored dtype). */
export function expectedTinyTensors(): Record<string, ExpectedTensor> {
  return JSON.parse(readFileSync(weightFixture('expected.json'), 'utf8')) as Record<string, ExpectedTensor>;
}
