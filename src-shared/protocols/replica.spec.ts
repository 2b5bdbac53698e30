import { describe, expect, it } from 'vitest';
import { FromReplica, ToReplica } from './replica';

const tensor = (shape: number[], data: Float32Array | Int32Array, dtype: 'float32' | 'int32' = 'float32') => ({ name: 'localizer/fc.weight', shape, dtype, data });
const issue = (raw: unknown, schema: typeof ToReplica | typeof FromReplica = ToReplica): string => {
  const result = schema.safeParse(raw);
  return result.success ? 'ok' : `${result.error.issues[0]?.path.join('.')}: ${result.error.issues[0]?.message}`;
};

describe('replica protocol', () => {
  it('accepts a state whose tensors fit their shapes and dtypes, and refuses one that does not', () => {
    const state = { step: 3, tensors: [tensor([2, 3], new Float32Array(6)), tensor([1], new Int32Array(1), 'int32')], extra: { optimizer: { t: 3 } } };
    expect(issue({ type: 'init', id: 1, config: { numClasses: 2 }, state })).toBe('ok');
    expect(issue({ type: 'set-state', id: 2, state: { ...state, tensors: [tensor([2, 3], new Float32Array(5))] } })).toBe('state.tensors.0.data: localizer/fc.weight: 5 values for shape [2,3]');
    expect(issue({ type: 'set-state', id: 2, state: { ...state, tensors: [tensor([2], new Float32Array(2), 'int32')] } })).toBe('state.tensors.0.data: localizer/fc.weight: int32 with a Float32Array');
    expect(issue({ type: 'set-state', id: 2, state: { ...state, tensors: [tensor([2], [0, 1] as never)] } })).toMatch(/^state\.tensors\.0\.data: /);
  });

  it('refuses a gradient request whose images or labels do not fit the batch', () => {
    const grads = { type: 'grads', id: 4, step: 0, images: new Float32Array(2 * 4 * 4 * 3), imageShape: [2, 4, 4, 3], labels: new Float32Array(2 * 5), scale: { images: 0.5, pairs: 0.4 } };
    expect(issue(grads)).toBe('ok');
    expect(issue({ ...grads, images: new Float32Array(10) })).toBe('images: image values do not fit imageShape');
    expect(issue({ ...grads, labels: new Float32Array(7) })).toBe('labels: labels do not fit the batch');
    expect(issue({ ...grads, scale: { images: 2, pairs: 0 } })).toMatch(/^scale\.images: /);
    expect(issue({ ...grads, id: 0 })).toMatch(/^id: /);
  });

  it('carries a diverged (NaN, infinite) loss as a number: judging it is the trainer\'s job', () => {
    const result = { step: 9, phase: 'localizer', losses: { bce: Number.NaN, reg: 0, adv: Infinity, advBce: 0, total: Number.NaN }, pairs: 3, grads: { 'fc.bias': new Float32Array([Number.NaN]) } };
    expect(issue({ type: 'grads', id: 5, result }, FromReplica)).toBe('ok');
    expect(issue({ type: 'grads', id: 5, result: { ...result, losses: { ...result.losses, bce: '0.6' } } }, FromReplica)).toBe('result.losses.bce: expected a number');
    expect(issue({ type: 'grads', id: 5, result: { ...result, grads: { 'fc.bias': [0] } } }, FromReplica)).toBe('result.grads.fc.bias: expected a Float32Array');
  });
});
