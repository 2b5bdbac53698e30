/**
 * The benchmark networks, built from tfjs ops with the same topology as the PyTorch twins in
 * torch_bench.py: `tiny` (four conv-BN-ReLU stages) and a ResNet-18, each with GAP + dense head.
 */
import * as tf from '@tensorflow/tfjs';

export type NetKind = 'tiny' | 'resnet18';

interface ConvBn {
  w: tf.Variable; // [k,k,ci,co]
  gamma: tf.Variable;
  beta: tf.Variable;
  stride: number;
}

export interface Net {
  kind: NetKind;
  /** Logits [B,K] and the last feature map [B,h,w,C]. */
  apply(images: tf.Tensor4D, training: boolean): { logits: tf.Tensor2D; features: tf.Tensor4D };
  dense: tf.Variable; // [C,K]
  variables: tf.Variable[];
  dispose(): void;
}

let seed = 1;
/** A variable from an initial tensor that is then freed (tf.variable keeps its own copy alive). */
function variable(init: () => tf.Tensor): tf.Variable {
  const first = init();
  const v = tf.variable(first);
  first.dispose();
  return v;
}

function convBn(k: number, ci: number, co: number, stride: number, vars: tf.Variable[]): ConvBn {
  const std = Math.sqrt(2 / (k * k * ci));
  const layer = {
    w: variable(() => tf.randomNormal([k, k, ci, co], 0, std, 'float32', seed++)),
    gamma: variable(() => tf.ones([co])),
    beta: variable(() => tf.zeros([co])),
    stride,
  };
  vars.push(layer.w, layer.gamma, layer.beta);
  return layer;
}

function runConvBn(x: tf.Tensor4D, l: ConvBn, training: boolean, relu: boolean): tf.Tensor4D {
  const k = l.w.shape[0]!;
  // PyTorch pads k/2 on each side; for odd k and even sizes that equals tfjs 'same' only at stride 1,
  // so pad explicitly to keep both frameworks computing the same function.
  const p = Math.floor(k / 2);
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p, p], [p, p], [0, 0]];
  let h = tf.conv2d(x, l.w as tf.Tensor4D, l.stride, pad);
  if (training) {
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    h = tf.batchNorm(h, mean as tf.Tensor1D, variance as tf.Tensor1D, l.beta as tf.Tensor1D, l.gamma as tf.Tensor1D, 1e-5);
  } else {
    h = tf.add(tf.mul(h, l.gamma), l.beta); // eval mode with unit running stats: a per-channel affine
  }
  return relu ? tf.relu(h) : h;
}

export function buildNet(kind: NetKind, numClasses: number): Net {
  const vars: tf.Variable[] = [];
  let body: (x: tf.Tensor4D, training: boolean) => tf.Tensor4D;
  let channels: number;
  if (kind === 'tiny') {
    const layers = [convBn(3, 3, 32, 2, vars), convBn(3, 32, 64, 2, vars), convBn(3, 64, 128, 2, vars), convBn(3, 128, 128, 1, vars)];
    body = (x, training) => layers.reduce((h, l) => runConvBn(h, l, training, true), x);
    channels = 128;
  } else {
    const stem = convBn(7, 3, 64, 2, vars);
    const blocks: { a: ConvBn; b: ConvBn; down: ConvBn | null }[] = [];
    let ci = 64;
    for (const [co, stride] of [[64, 1], [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1]] as const) {
      blocks.push({
        a: convBn(3, ci, co, stride, vars),
        b: convBn(3, co, co, 1, vars),
        down: stride !== 1 || ci !== co ? convBn(1, ci, co, stride, vars) : null,
      });
      ci = co;
    }
    body = (x, training) => {
      let h = runConvBn(x, stem, training, true);
      h = tf.maxPool(tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]], -1e9), 3, 2, 'valid');
      for (const blk of blocks) {
        const shortcut = blk.down ? runConvBn(h, blk.down, training, false) : h;
        const y = runConvBn(runConvBn(h, blk.a, training, true), blk.b, training, false);
        h = tf.relu(tf.add(y, shortcut)) as tf.Tensor4D;
      }
      return h;
    };
    channels = 512;
  }
  const dense = variable(() => tf.randomNormal([channels, numClasses], 0, 0.01, 'float32', seed++));
  vars.push(dense);
  return {
    kind,
    dense,
    variables: vars,
    apply(images, training) {
      const features = body(images, training);
      const logits = tf.matMul(tf.mean(features, [1, 2]) as tf.Tensor2D, dense as tf.Tensor2D) as tf.Tensor2D;
      return { logits, features };
    },
    dispose() {
      tf.dispose(vars);
    },
  };
}

/** One SGD-momentum step on sigmoid BCE (the loss read back: async, as webgpu needs). */
export async function trainStep(net: Net, opt: tf.Optimizer, images: tf.Tensor4D, labels: tf.Tensor2D): Promise<void> {
  const cost = opt.minimize(() => tf.losses.sigmoidCrossEntropy(labels, net.apply(images, true).logits) as tf.Scalar, true, net.variables);
  await cost?.data();
  cost?.dispose();
}

/** CAM inference: forward, then cams = relu(F · W_dense) [B,h,w,K], read back. */
export async function camInference(net: Net, images: tf.Tensor4D): Promise<void> {
  const cams = tf.tidy(() => {
    const { logits, features } = net.apply(images, false);
    const [b, h, w, c] = features.shape;
    const k = net.dense.shape[1]!;
    const cams = tf.relu(tf.matMul(features.reshape([b * h * w, c]), net.dense as tf.Tensor2D)).reshape([b, h, w, k]);
    return [cams, tf.sigmoid(logits)];
  });
  await Promise.all(cams.map((t) => t.data()));
  tf.dispose(cams);
}
