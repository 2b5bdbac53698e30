/**
 * A message that does not match its protocol schema, in either direction. It is refused whole:
 * never sent, never delivered, never cast. The message names the peer, the direction and the
 * first offending field.
 */
import type { z } from 'zod';

export type MessageDirection = 'to-child' | 'from-child' | 'to-parent' | 'from-parent';

export class ProtocolError extends Error {
  constructor(
    readonly peer: string,
    readonly direction: MessageDirection,
    /** The first schema issue, e.g. `at step: Invalid input: expected number, received string`. */
    readonly detail: string,
    /** Where the first issue is, e.g. ['config', 'imageSize'] ([] at the root or when unknown). */
    readonly path: readonly PropertyKey[] = [],
  ) {
    super(ProtocolError.describe(peer, direction, detail));
    this.name = 'ProtocolError';
  }

  private static describe(peer: string, direction: MessageDirection, detail: string): string {
    switch (direction) {
      case 'to-child':
        return `Refused to send a malformed message to the ${peer} (${detail}).`;
      case 'from-child':
        return `Refused a malformed message from the ${peer} (${detail}).`;
      case 'to-parent':
        return `The ${peer} refused to send a malformed message to its parent (${detail}).`;
      case 'from-parent':
        return `The ${peer} refused a malformed message from its parent (${detail}).`;
    }
  }
}

/** The first issue of a failed parse, as `at a.b: message` (or just the message at the root). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid message';
  const where = issue.path.length > 0 ? `at ${issue.path.map(String).join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/** Parse `raw` with `schema`; a mismatch throws a ProtocolError for that peer and direction. */
export function checkMessage<S extends z.ZodType>(schema: S, raw: unknown, peer: string, direction: MessageDirection): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new ProtocolError(peer, direction, firstIssue(result.error), result.error.issues[0]?.path ?? []);
  return result.data;
}
