/**
 * The few layer kinds the backbones need, as functions over a ParamStore (NHWC throughout):
 * conv (no bias, explicit symmetric padding like PyTorch: tfjs 'same' would pad 0 before and 1
 * after at stride 2 on even sizes), batch norm with training/inference modes, PyTorch
 * running-statistics semantics and an optional frozen mode for fine-tuning, dense. Initialisation follows torchvision
 * (Kaiming-normal fan_out for convs, BN γ=1 β=0, dense U(±1/√in)), drawn from a seeded Rng.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTrain } from './batch-norm-train';
import type { ParamStore } from './params';
import type { Rng } from './rng';

export type Conv = (x: tf.Tensor4D) => tf.Tensor4D;
export type Norm = (x: tf.Tensor4D, training: boolean) => tf.Tensor4D;
export type Dense = (x: tf.Tensor2D) => tf.Tensor2D;

export interface BnSettings {
  momentum: number;
  epsilon: number;
  /** Frozen statistics: normalise with the running ones in training too, and never update them. */
  frozen?: boolean;
}

function randomNormal(n: number, std: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  return out;
}

/** `name.weight` [k,k,inC,outC]; stride s; padding p on every side (PyTorch `padding=p`). */
export function conv(store: ParamStore, name: string, k: number, inC: number, outC: number, stride: number, pad: number, rng: Rng): Conv {
  const std = Math.sqrt(2 / (outC * k * k));
  const w = store.add(`${name}.weight`, tf.tensor4d(randomNormal(k * k * inC * outC, std, rng), [k, k, inC, outC]), true);
  return (x) => tf.conv2d(x, w as tf.Tensor4D, stride, pad);
}

/** `name.weight` (γ), `name.bias` (β), `name.running_mean`, `name.running_var`. */
export function batchNorm(store: ParamStore, name: string, channels: number, bn: BnSettings): Norm {
  const gamma = store.add(`${name}.weight`, tf.ones([channels]), true) as tf.Variable<tf.Rank.R1>;
  const beta = store.add(`${name}.bias`, tf.zeros([channels]), true) as tf.Variable<tf.Rank.R1>;
  const runningMean = store.add(`${name}.running_mean`, tf.zeros([channels]), false) as tf.Variable<tf.Rank.R1>;
  const runningVar = store.add(`${name}.running_var`, tf.ones([channels]), false) as tf.Variable<tf.Rank.R1>;
  return (x, training) => {
    if (!training || bn.frozen) return tf.batchNorm(x, runningMean, runningVar, beta, gamma, bn.epsilon) as tf.Tensor4D;
    const n = x.shape[0] * x.shape[1] * x.shape[2];
    const unbiased = n > 1 ? n / (n - 1) : 1;
    return batchNormTrain(x, gamma, beta, bn.epsilon, (mean, variance) =>
      tf.tidy(() => {
        const m = bn.momentum;
        runningMean.assign(tf.add(tf.mul(runningMean, 1 - m), tf.mul(mean, m)));
        runningVar.assign(tf.add(tf.mul(runningVar, 1 - m), tf.mul(variance, m * unbiased)));
      }),
    );
  };
}

/** `name.weight` [in,out] and `name.bias` [out]. */
export function dense(store: ParamStore, name: string, inC: number, outC: number, rng: Rng): Dense {
  const bound = 1 / Math.sqrt(inC);
  const wData = new Float32Array(inC * outC).map(() => rng.uniform(-bound, bound));
  const bData = new Float32Array(outC).map(() => rng.uniform(-bound, bound));
  const w = store.add(`${name}.weight`, tf.tensor2d(wData, [inC, outC]), true) as tf.Variable<tf.Rank.R2>;
  const b = store.add(`${name}.bias`, tf.tensor1d(bData), true) as tf.Variable<tf.Rank.R1>;
  return (x) => tf.add(tf.matMul(x, w), b);
}
