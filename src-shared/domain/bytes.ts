import { z } from 'zod';

/** Raw bytes (PNG/JPEG payloads, masks). Any Uint8Array, whatever buffer backs it. */
export const Bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: 'Expected a Uint8Array' });
