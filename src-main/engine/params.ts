/**
 * Named parameters of one network: trainable variables (conv/dense weights, BN γ/β) and
 * buffers (BN running statistics). Names follow torchvision's state_dict (`layer1.0.conv1.weight`,
 * `bn1.running_mean`, `fc.bias`) but tensors are in tfjs layout: conv kernels [kh,kw,in,out]
 * (HWIO), dense kernels [in,out]. tfjs variable names are left auto-generated (they must be
 * globally unique); this store holds the meaningful names.
 */
import * as tf from '@tensorflow/tfjs';
import { readFloats } from './read';
import type { TensorRecord } from './types';

export class ParamStore {
  private readonly vars = new Map<string, tf.Variable>();
  private readonly trainableNames = new Set<string>();

  add(name: string, initial: tf.Tensor, trainable: boolean): tf.Variable {
    if (this.vars.has(name)) throw new Error(`duplicate parameter name ${name}`);
    const v = tf.variable(initial, trainable);
    initial.dispose();
    this.vars.set(name, v);
    if (trainable) this.trainableNames.add(name);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  /** Trainable variables in creation order. */
  trainable(): { name: string; variable: tf.Variable }[] {
    return [...this.trainableNames].map((name) => ({ name, variable: this.get(name) }));
  }

  /** Number of trainable scalars. */
  countTrainable(): number {
    return this.trainable().reduce((n, { variable }) => n + variable.size, 0);
  }

  /** Every parameter and buffer as plain data, names prefixed with `prefix/`. */
  async toRecords(prefix: string): Promise<TensorRecord[]> {
    const vars = [...this.vars];
    const data = await Promise.all(vars.map(([, v]) => readFloats(v)));
    return vars.map(([name, v], i) => ({ name: `${prefix}/${name}`, shape: [...v.shape], dtype: 'float32' as const, data: data[i] ?? new Float32Array(0) }));
  }

  /** Throw unless `records` hold every parameter named `prefix/…` with its shape. */
  checkRecords(prefix: string, records: readonly TensorRecord[]): void {
    const byName = new Map(records.map((r) => [r.name, r]));
    for (const [name, v] of this.vars) {
      const r = byName.get(`${prefix}/${name}`);
      if (!r) throw new Error(`state has no tensor ${prefix}/${name}`);
      if (r.shape.length !== v.shape.length || r.shape.some((d, i) => d !== v.shape[i]) || r.data.length !== v.size) {
        throw new Error(`shape mismatch for ${prefix}/${name}: got [${r.shape.join(',')}], expected [${v.shape.join(',')}]`);
      }
    }
  }

  /** Assign from records named `prefix/…`; checks everything before assigning anything. */
  fromRecords(prefix: string, records: readonly TensorRecord[]): void {
    this.checkRecords(prefix, records);
    const byName = new Map(records.map((r) => [r.name, r]));
    for (const [name] of this.vars) {
      const r = byName.get(`${prefix}/${name}`);
      if (r) this.assign(name, r.data, r.shape);
    }
  }

  /** Assign one parameter from a tensor of its shape (the tensor stays the caller's). */
  assignTensor(name: string, t: tf.Tensor): void {
    const v = this.get(name);
    if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
      throw new Error(`shape mismatch for ${name}: got [${t.shape.join(',')}], expected [${v.shape.join(',')}]`);
    }
    if (t.dtype === 'float32') v.assign(t);
    else tf.tidy(() => v.assign(tf.cast(t, 'float32')));
  }

  /** Assign one parameter from plain data, checking the shape. */
  assign(name: string, data: Float32Array | Int32Array, shape: readonly number[]): void {
    const v = this.get(name);
    if (shape.length !== v.shape.length || shape.some((d, i) => d !== v.shape[i])) {
      throw new Error(`shape mismatch for ${name}: got [${shape.join(',')}], expected [${v.shape.join(',')}]`);
    }
    const t = tf.tensor(data instanceof Float32Array ? data : Float32Array.from(data), v.shape, 'float32');
    v.assign(t);
    t.dispose();
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
    this.trainableNames.clear();
  }
}
