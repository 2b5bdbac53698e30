/**
 * Messages between the trainer (master replica) and a train worker thread (worker replica).
 * Requests carry an id; the worker answers each request once, in order.
 */
import type { EaderConfig } from '../settings';
import type { LossScale } from '../train-step';
import type { EngineState, GradientResult, Phase, PlainGradients } from '../types';

export type ToWorker =
  /** Build the model from `config`, then take the master's whole state. */
  | { type: 'init'; id: number; config: EaderConfig; state: EngineState }
  /** Gradients of this replica's share of a batch. images [B,S,S,3] (normalised), labels [B,K]. */
  | { type: 'grads'; id: number; step: number; images: Float32Array; imageShape: [number, number, number, number]; labels: Float32Array; scale: LossScale }
  /** Apply the summed gradients of `phase`; answer with the checksum when asked. */
  | { type: 'apply'; id: number; phase: Phase; grads: PlainGradients | null; checksum: boolean }
  /** Answer with the checksum (as an `applied` answer). */
  | { type: 'checksum'; id: number }
  /** Re-synchronise: take the master's whole state. */
  | { type: 'set-state'; id: number; state: EngineState };

export type FromWorker =
  | { type: 'ready'; id: number; backend: string }
  | { type: 'grads'; id: number; result: GradientResult }
  | { type: 'applied'; id: number; checksum: number | null }
  | { type: 'state-set'; id: number }
  | { type: 'error'; id: number; message: string };

/** Every transferable buffer of a gradient map (to hand it over without a copy). */
export function gradientBuffers(grads: PlainGradients | null): ArrayBuffer[] {
  if (!grads) return [];
  const buffers = new Set<ArrayBuffer>();
  for (const g of Object.values(grads)) if (g.buffer instanceof ArrayBuffer) buffers.add(g.buffer);
  return [...buffers];
}
