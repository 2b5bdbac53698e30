/**
 * DeepLabv3+'s decoder (Chen et al., ECCV 2018, §3.2): the ASPP projection, upsampled bilinearly to
 * the backbone's stride-4 stage, joined with that stage's features reduced by a 1×1 conv, then two
 * 3×3 convs; the per-pixel classifier (`decoder.classifier`, made by the network) follows. The
 * logits come out at stride 4 instead of 8 or 16, so
 * masks follow object boundaries the stride-8 head blurs (bench/self-training.md measures it).
 *
 *   ASPP(F) [B,h,w,A] ── upsample to [B,H4,W4,A] ─┐
 *   low [B,H4,W4,Cl] ── 1×1·BN·ReLU [B,H4,W4,R] ───┴─ concat → 3×3·BN·ReLU → 3×3·BN·ReLU [B,H4,W4,A]
 *
 * R is the paper's 48 channels, or the stage's own width when it is narrower (tiny: 32). The paper's
 * dropout is left out, as in the head (./aspp.ts). Parameters: `decoder.reduce.*`, `decoder.fuse.0.*`,
 * `decoder.fuse.1.*` (torchvision has no DeepLabv3+: the names are ours).
 */
import * as tf from '@tensorflow/tfjs';
import type { BnSettings } from '../layers';
import type { ParamStore } from '../params';
import type { Rng } from '../rng';
import { convBnRelu } from './aspp';
import { upsampleBilinear } from './upsample';

/** The paper's width of the reduced low-level features. */
const REDUCED = 48;

export type Decoder = (aspp: tf.Tensor4D, low: tf.Tensor4D, training: boolean) => tf.Tensor4D;

/** A decoder joining A-channel ASPP features with `lowC`-channel low-level ones into A-channel features at stride 4. */
export function createDecoder(store: ParamStore, rng: Rng, bn: BnSettings, width: number, lowC: number): Decoder {
  const reducedC = Math.min(REDUCED, lowC);
  const reduce = convBnRelu(store, rng, bn, 'decoder.reduce', 1, lowC, reducedC);
  const fuse0 = convBnRelu(store, rng, bn, 'decoder.fuse.0', 3, width + reducedC, width);
  const fuse1 = convBnRelu(store, rng, bn, 'decoder.fuse.1', 3, width, width);
  return (aspp, low, training) =>
    tf.tidy(() => {
      const [, H, W] = low.shape;
      const joined = tf.concat([upsampleBilinear(aspp, H, W), reduce(low, training)], 3); // [B,H4,W4,A+R]
      return fuse1(fuse0(joined, training), training); // [B,H4,W4,A]
    });
}
