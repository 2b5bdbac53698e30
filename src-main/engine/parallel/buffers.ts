/** Transfer lists for the replica protocol: moving a gradient map's buffers instead of copying them. */
import type { PlainGradients } from '../types';

/** Every transferable buffer of a gradient map (to hand it over without a copy). */
export function gradientBuffers(grads: PlainGradients | null): ArrayBuffer[] {
  if (!grads) return [];
  const buffers = new Set<ArrayBuffer>();
  for (const g of Object.values(grads)) if (g.buffer instanceof ArrayBuffer) buffers.add(g.buffer);
  return [...buffers];
}
