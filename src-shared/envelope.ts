/** The answer of every renderer→main call: a value, or an error with a stable code. */
export const ERROR_CODES = [
  'UNKNOWN_CHANNEL',
  'INVALID_INPUT',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHORIZED',
  'FORBIDDEN_PATH',
  'NOT_FOUND',
  'BAD_DATA',
  'CONFLICT',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorShape {
  code: ErrorCode;
  message: string;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

/** An error a service throws on purpose; its code and message reach the renderer unchanged. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function ok<T>(value: T): Envelope<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

/** The message to show the user for a failed call or any thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Run `action` for a service: an ApiError passes through unchanged; anything else becomes an
 * ApiError with `code` (or the code `code(error)` picks by the error's class, never its text) and
 * the error's message after `prefix`. One helper for every try/catch → ApiError of the main side.
 */
export async function asApiError<T>(code: ErrorCode | ((error: unknown) => ErrorCode), action: () => T | Promise<T>, prefix = ''): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(typeof code === 'function' ? code(error) : code, `${prefix}${errorText(error)}`);
  }
}
