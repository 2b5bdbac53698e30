/**
 * ResNet-18 / 50 / 101 with torchvision's topology (v1.5: the stride of a bottleneck sits on its
 * 3×3 conv), NHWC, parameter names exactly as torchvision's state_dict so pretrained weights map
 * one to one (see ./pretrained.ts). features() returns layer4's output [B,h,w,512|2048], stride 32.
 *
 * Output stride 16 or 8 (segmentation, DeepLab): torchvision's `replace_stride_with_dilation`.
 * A dilated stage keeps its resolution (its first block has stride 1, its downsample a 1×1 conv of
 * stride 1) and dilates its 3×3 convs instead: the stage's dilation is the previous one × 2; its
 * first block uses the previous stage's dilation, the others the new one (torchvision's
 * `previous_dilation`). Bottlenecks dilate conv2 (as torchvision); basic blocks, which torchvision
 * does not dilate, dilate conv1 and keep conv2 plain (as mmsegmentation's ResNet-18/34). No
 * parameter changes: the same names and shapes, so every pretrained file loads at any stride.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNorm, conv, type BnSettings, type Conv, type Norm } from '../layers';
import type { ParamStore } from '../params';
import type { Rng } from '../rng';
import type { Backbone } from './backbone';

type Block = (x: tf.Tensor4D, training: boolean) => tf.Tensor4D;

interface Ctx {
  store: ParamStore;
  rng: Rng;
  bn: BnSettings;
}

function convBn(ctx: Ctx, convName: string, bnName: string, k: number, inC: number, outC: number, stride: number, dilation = 1): [Conv, Norm] {
  const pad = (dilation * (k - 1)) / 2;
  return [conv(ctx.store, convName, k, inC, outC, stride, pad, ctx.rng, dilation), batchNorm(ctx.store, bnName, outC, ctx.bn)];
}

function downsample(ctx: Ctx, name: string, inC: number, outC: number, stride: number): Block | null {
  if (stride === 1 && inC === outC) return null;
  const [c, n] = convBn(ctx, `${name}.downsample.0`, `${name}.downsample.1`, 1, inC, outC, stride);
  return (x, training) => n(c(x), training);
}

function basicBlock(ctx: Ctx, name: string, inC: number, width: number, stride: number, dilation: number): Block {
  const [c1, n1] = convBn(ctx, `${name}.conv1`, `${name}.bn1`, 3, inC, width, stride, dilation);
  const [c2, n2] = convBn(ctx, `${name}.conv2`, `${name}.bn2`, 3, width, width, 1);
  const down = downsample(ctx, name, inC, width, stride);
  return (x, training) => {
    const y = n2(c2(tf.relu(n1(c1(x), training))), training);
    return tf.relu(tf.add(y, down ? down(x, training) : x)) as tf.Tensor4D;
  };
}

function bottleneck(ctx: Ctx, name: string, inC: number, width: number, stride: number, dilation: number): Block {
  const outC = width * 4;
  const [c1, n1] = convBn(ctx, `${name}.conv1`, `${name}.bn1`, 1, inC, width, 1);
  const [c2, n2] = convBn(ctx, `${name}.conv2`, `${name}.bn2`, 3, width, width, stride, dilation);
  const [c3, n3] = convBn(ctx, `${name}.conv3`, `${name}.bn3`, 1, width, outC, 1);
  const down = downsample(ctx, name, inC, outC, stride);
  return (x, training) => {
    const a = tf.relu(n1(c1(x), training));
    const b = tf.relu(n2(c2(a), training));
    const y = n3(c3(b), training);
    return tf.relu(tf.add(y, down ? down(x, training) : x)) as tf.Tensor4D;
  };
}

/** Blocks per stage (layer1..layer4) and whether they are bottlenecks (conv1/conv2/conv3), as torchvision builds them. */
export const RESNET_LAYOUT = {
  resnet18: { blocks: [2, 2, 2, 2], bottleneck: false },
  resnet50: { blocks: [3, 4, 6, 3], bottleneck: true },
  resnet101: { blocks: [3, 4, 23, 3], bottleneck: true },
} as const;

/** The output strides a ResNet can run at: 32 (classification), 16 and 8 (dilated, segmentation). */
export type ResnetOutputStride = 8 | 16 | 32;

/** Which stages (layer1..layer4) are dilated instead of strided, per output stride (torchvision's flags). */
const DILATED_STAGES: Record<ResnetOutputStride, readonly boolean[]> = { 32: [false, false, false, false], 16: [false, false, false, true], 8: [false, false, true, true] };

export function createResnet(depth: 18 | 50 | 101, store: ParamStore, rng: Rng, bn: BnSettings, outputStride: ResnetOutputStride = 32): Backbone {
  const ctx: Ctx = { store, rng, bn };
  const { blocks: counts, bottleneck: bottle } = RESNET_LAYOUT[`resnet${depth}`];
  const expansion = bottle ? 4 : 1;
  const [stemConv, stemBn] = convBn(ctx, 'conv1', 'bn1', 7, 3, 64, 2);
  let inC = 64;
  let dilation = 1;
  const blocks: Block[] = [];
  const stageEnds: number[] = []; // index of each stage's last block in `blocks`
  counts.forEach((count, li) => {
    const width = 64 * 2 ** li;
    const previousDilation = dilation;
    let stageStride = li > 0 ? 2 : 1;
    if (DILATED_STAGES[outputStride][li]) {
      dilation *= stageStride;
      stageStride = 1;
    }
    for (let bi = 0; bi < count; bi++) {
      const stride = bi === 0 ? stageStride : 1;
      const d = bi === 0 ? previousDilation : dilation;
      const name = `layer${li + 1}.${bi}`;
      blocks.push(bottle ? bottleneck(ctx, name, inC, width, stride, d) : basicBlock(ctx, name, inC, width, stride, d));
      inC = width * expansion;
    }
    stageEnds.push(blocks.length - 1);
  });
  return {
    kind: depth === 101 ? 'resnet101' : bottle ? 'resnet50' : 'resnet18',
    channels: inC,
    stride: outputStride,
    features: (images, training) =>
      tf.tidy(() => {
        const stem = tf.maxPool(tf.relu(stemBn(stemConv(images), training)), 3, 2, 1);
        return blocks.reduce((x, block) => block(x, training), stem);
      }),
    // layer1 at 4, then ×2 per stage until the output stride (dilated stages keep it).
    stageStrides: [4, 8, 16, 32].map((s) => Math.min(s, outputStride)),
    stages: (images, training = false) =>
      tf.tidy(() => {
        const outs: tf.Tensor4D[] = [];
        let x = tf.maxPool(tf.relu(stemBn(stemConv(images), training)), 3, 2, 1);
        blocks.forEach((block, i) => {
          x = block(x, training);
          if (stageEnds.includes(i)) outs.push(x);
        });
        return outs;
      }),
  };
}
