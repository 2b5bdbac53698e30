import { describe, expect, it } from 'vitest';
import { ApiError, asApiError, errorText, type ErrorCode } from './envelope';

class Conflict extends Error {}

describe('errorText', () => {
  it('is the message of an Error, or the thrown value as text', () => {
    expect(errorText(new Error('disk full'))).toBe('disk full');
    expect(errorText('plain string')).toBe('plain string');
    expect(errorText(42)).toBe('42');
  });
});

describe('asApiError', () => {
  it('returns the value of a good action, sync or async', async () => {
    expect(await asApiError('NOT_FOUND', () => 3)).toBe(3);
    expect(await asApiError('NOT_FOUND', async () => 'x')).toBe('x');
  });

  it('turns other errors into an ApiError with the code and a prefixed message', async () => {
    await expect(asApiError('BAD_DATA', () => Promise.reject(new Error('cannot decode')), 'Cannot read a.jpg: ')).rejects.toEqual(new ApiError('BAD_DATA', 'Cannot read a.jpg: cannot decode'));
    const thrown = await asApiError('NOT_FOUND', () => {
      throw 'gone';
    }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ code: 'NOT_FOUND', message: 'gone' });
  });

  it('lets an ApiError through unchanged, and picks the code by class when given a function', async () => {
    const original = new ApiError('CONFLICT', 'stop the run first');
    await expect(asApiError('INTERNAL', () => Promise.reject(original))).rejects.toBe(original);
    const byClass = (error: unknown): ErrorCode => (error instanceof Conflict ? 'CONFLICT' : 'INTERNAL');
    await expect(asApiError(byClass, () => Promise.reject(new Conflict('exists')))).rejects.toMatchObject({ code: 'CONFLICT', message: 'exists' });
    await expect(asApiError(byClass, () => Promise.reject(new Error('exists')))).rejects.toMatchObject({ code: 'INTERNAL', message: 'exists' });
  });
});
