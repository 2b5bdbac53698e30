/**
 * The protocol between the trainer (master replica) and a train worker thread (worker replica;
 * src-main/engine/parallel). Requests carry an id; the worker answers each once, in order. Both
 * sides check every message with these schemas (src-main/processes), typed arrays included:
 * a tensor whose data does not fit its shape is refused, never half-applied.
 */
import { z } from 'zod';
import { LOSS_TERMS, type LossTerm } from '../domain/loss-terms';

/**
 * Any JS number, NaN and ±Infinity included: a diverging loss or gradient is the trainer's to
 * judge (the loop stops on it), not the transport's.
 */
const anyNumber = z.custom<number>((v) => typeof v === 'number', 'expected a number');
const count = z.number().int().nonnegative();
// z.custom, not z.instanceof: any buffer (z.instanceof narrows to ArrayBuffer-backed arrays).
const f32 = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
const i32 = z.custom<Int32Array>((v) => v instanceof Int32Array, 'expected an Int32Array');

export const ReplicaPhase = z.enum(['localizer', 'adversary']);

/** The loss terms (domain/loss-terms.ts), as one step's plain numbers — NaN allowed: a replica carries diverged values to the master, which stops the run. */
export const ReplicaLossTerms = z.object(Object.fromEntries(LOSS_TERMS.map((term) => [term, anyNumber])) as Record<LossTerm, typeof anyNumber>).strict();

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** One named tensor as plain data (engine/types.ts TensorRecord). */
export const ReplicaTensor = z
  .object({
    name: z.string().min(1),
    shape: z.array(count),
    dtype: z.enum(['float32', 'int32']),
    data: z.union([f32, i32]),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.data.length !== product(t.shape)) ctx.addIssue({ code: 'custom', path: ['data'], message: `${t.name}: ${t.data.length} values for shape [${t.shape.join(',')}]` });
    if ((t.dtype === 'float32') !== t.data instanceof Float32Array) ctx.addIssue({ code: 'custom', path: ['data'], message: `${t.name}: ${t.dtype} with a ${t.data.constructor.name}` });
  });

/** Weights, BN statistics, optimizer moments and the global step (engine/types.ts EngineState). */
export const ReplicaState = z.object({ step: count, tensors: z.array(ReplicaTensor), extra: z.record(z.string(), z.unknown()) }).strict();

/** Gradients of one network's trainable parameters by name. */
export const ReplicaGradients = z.record(z.string(), f32);

/** How much of the full batch a replica's share is (engine/train-step.ts LossScale). */
export const ReplicaLossScale = z.object({ images: z.number().min(0).max(1), pairs: z.number().min(0).max(1) }).strict();

const id = z.number().int().positive();

/** master → worker */
export const ToReplica = z.discriminatedUnion('type', [
  /**
   * Build the model from `config`, then take the master's whole state. The config is the engine's
   * (EaderConfig): the worker checks it with the engine's own schema when it builds the model.
   */
  z.object({ type: z.literal('init'), id, config: z.record(z.string(), z.unknown()), state: ReplicaState }).strict(),
  /** Gradients of this replica's share of a batch. images [B,S,S,3] (normalised), labels [B,K]. */
  z
    .object({
      type: z.literal('grads'),
      id,
      step: count,
      images: f32,
      imageShape: z.tuple([count, count, count, count]),
      labels: f32,
      scale: ReplicaLossScale,
    })
    .strict()
    .refine((m) => m.images.length === product(m.imageShape), { path: ['images'], message: 'image values do not fit imageShape' })
    .refine((m) => m.imageShape[0] > 0 && m.labels.length % m.imageShape[0] === 0, { path: ['labels'], message: 'labels do not fit the batch' }),
  /**
   * Apply the summed gradients of `phase` at learning rate `lr` (the master's, from the run's
   * schedule: the worker does not plan it); answer with the checksum when asked.
   */
  z.object({ type: z.literal('apply'), id, phase: ReplicaPhase, grads: ReplicaGradients.nullable(), lr: z.number().positive(), checksum: z.boolean() }).strict(),
  /** Answer with the checksum (as an `applied` answer). */
  z.object({ type: z.literal('checksum'), id }).strict(),
  /** Re-synchronise: take the master's whole state. */
  z.object({ type: z.literal('set-state'), id, state: ReplicaState }).strict(),
]);
export type ToReplica = z.infer<typeof ToReplica>;

/** computeGradients' result (engine/types.ts GradientResult). */
export const ReplicaGradientResult = z.object({ step: count, phase: ReplicaPhase, losses: ReplicaLossTerms, pairs: count, grads: ReplicaGradients.nullable() }).strict();

/** worker → master */
export const FromReplica = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), id, backend: z.string() }).strict(),
  z.object({ type: z.literal('grads'), id, result: ReplicaGradientResult }).strict(),
  z.object({ type: z.literal('applied'), id, checksum: z.number().int().nullable() }).strict(),
  z.object({ type: z.literal('state-set'), id }).strict(),
  z.object({ type: z.literal('error'), id, message: z.string() }).strict(),
]);
export type FromReplica = z.infer<typeof FromReplica>;
