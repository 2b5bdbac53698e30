/**
 * Optimizers with PyTorch semantics and savable state. Weight decay is L2 added to the gradient
 * (g ← g + wd·θ), as PyTorch's `weight_decay` for SGD, Adam and RMSprop (not AdamW's decoupled
 * decay), applied to every trainable parameter as the reference's `model.parameters()` does.
 *  - SGD: buf ← μ·buf + g; θ ← θ − lr·buf (dampening 0, no Nesterov).
 *  - Adam: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ − lr·m̂/(√v̂ + ε), bias-corrected.
 *  - RMSprop: v ← ρ·v + (1−ρ)·g²; θ ← θ − lr·g/(√v + ε).
 * Parameter groups as PyTorch's `[{params, lr}]`: each parameter may carry an `lrScale` (the
 * backbone of a fine-tuned network steps at lr·scale, its new head at lr); weight decay is shared.
 * State (moments per parameter, the iteration count) round-trips through plain TensorRecords.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from './settings';
import { readFloats } from './read';
import type { TensorRecord } from './types';

export interface OptimizerParam {
  name: string;
  variable: tf.Variable;
  /** This parameter's learning rate is lr·lrScale (default 1). */
  lrScale?: number;
}

const SLOTS: Record<OptimizerConfig['kind'], string[]> = { sgd: ['momentum'], adam: ['m', 'v'], rmsprop: ['v'] };

export class EngineOptimizer {
  private readonly slots = new Map<string, tf.Variable[]>();
  iterations = 0;
  /** The lr of the update about to be applied, from the iteration count (0-based); default: config.lr. */
  lrAt: (iteration: number) => number = () => this.config.lr;

  constructor(
    readonly config: OptimizerConfig,
    private readonly params: readonly OptimizerParam[],
  ) {
    for (const slot of SLOTS[config.kind]) {
      // tf.variable keeps its initial tensor registered: made inside tidy, it is released (it leaked one tensor per slot before)
      this.slots.set(slot, params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false))));
    }
  }

  private slot(name: string, i: number): tf.Variable {
    const v = this.slots.get(name)?.[i];
    if (!v) throw new Error(`optimizer slot ${name}[${i}] missing`);
    return v;
  }

  /**
   * Apply gradients keyed by tfjs variable name (what tf.variableGrads returns). The lr is the
   * schedule's (`lrAt`, from the iteration count) times `lrFactor`, a factor the caller's own
   * schedule passes per step (the segmenter's poly decay).
   */
  apply(grads: tf.NamedTensorMap, lrFactor = 1): void {
    const baseLr = this.lrAt(this.iterations) * lrFactor;
    this.iterations += 1;
    const { kind, momentum, weightDecay, beta1, beta2, rho, epsilon } = this.config;
    const t = this.iterations;
    tf.tidy(() => {
      this.params.forEach(({ variable, lrScale }, i) => {
        const raw = grads[variable.name];
        if (!raw) return;
        const lr = baseLr * (lrScale ?? 1);
        const g = weightDecay > 0 ? tf.add(raw, tf.mul(variable, weightDecay)) : raw;
        if (kind === 'sgd') {
          const buf = this.slot('momentum', i);
          buf.assign(tf.add(tf.mul(buf, momentum), g));
          variable.assign(tf.sub(variable, tf.mul(buf, lr)));
        } else if (kind === 'adam') {
          const m = this.slot('m', i);
          const v = this.slot('v', i);
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
          v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const mHat = tf.div(m, 1 - beta1 ** t);
          const vHat = tf.div(v, 1 - beta2 ** t);
          variable.assign(tf.sub(variable, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)), lr)));
        } else {
          const v = this.slot('v', i);
          v.assign(tf.add(tf.mul(v, rho), tf.mul(tf.square(g), 1 - rho)));
          variable.assign(tf.sub(variable, tf.mul(tf.div(g, tf.add(tf.sqrt(v), epsilon)), lr)));
        }
      });
    });
  }

  /** Moments as `optimizer:<prefix>/<slot>/<param>` records. */
  async toRecords(prefix: string): Promise<TensorRecord[]> {
    const entries: { name: string; v: tf.Variable }[] = [];
    for (const [slot, vars] of this.slots) vars.forEach((v, i) => entries.push({ name: `optimizer:${prefix}/${slot}/${this.params[i]?.name ?? i}`, v }));
    const data = await Promise.all(entries.map(({ v }) => readFloats(v)));
    return entries.map(({ name, v }, i) => ({ name, shape: [...v.shape], dtype: 'float32' as const, data: data[i] ?? new Float32Array(0) }));
  }

  /** Throw unless `records` hold every moment this optimizer needs, with matching sizes. */
  checkRecords(prefix: string, records: readonly TensorRecord[]): void {
    const byName = new Map(records.map((r) => [r.name, r]));
    for (const [slot, vars] of this.slots) {
      vars.forEach((v, i) => {
        const name = `optimizer:${prefix}/${slot}/${this.params[i]?.name ?? i}`;
        const r = byName.get(name);
        if (!r) throw new Error(`state has no optimizer tensor ${name} (was it saved with another optimizer kind?)`);
        if (r.data.length !== v.size) throw new Error(`optimizer tensor ${name} has ${r.data.length} values, expected ${v.size}`);
      });
    }
  }

  fromRecords(prefix: string, records: readonly TensorRecord[], iterations: number): void {
    this.checkRecords(prefix, records);
    const byName = new Map(records.map((r) => [r.name, r]));
    for (const [slot, vars] of this.slots) {
      vars.forEach((v, i) => {
        const r = byName.get(`optimizer:${prefix}/${slot}/${this.params[i]?.name ?? i}`);
        if (!r) return;
        const t = tf.tensor(Float32Array.from(r.data), v.shape);
        v.assign(t);
        t.dispose();
      });
    }
    this.iterations = iterations;
  }

  dispose(): void {
    for (const vars of this.slots.values()) vars.forEach((v) => v.dispose());
    this.slots.clear();
  }
}
