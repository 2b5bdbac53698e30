/**
 * CPU cost of one localizer training step in OUR engine (wasm, one thread), for the
 * torch-to-engine conversion of the recipe research: median process CPU ms per step after a
 * warm-up, on random images (the cost does not depend on the content).
 *   TSX_TSCONFIG_PATH=tsconfig.node.json npx tsx scripts/experiments/engine-speed.ts \
 *     --backbones tiny,resnet18 --sizes 64,80 --batch 16 [--steps 12] [--adversary none]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src-main/engine/backend';
import { EaderModel, type AdversaryKind, type BackboneKind } from '../../src-main/engine';

const { values } = parseArgs({
  options: {
    backbones: { type: 'string', default: 'tiny' },
    sizes: { type: 'string', default: '64' },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '12' },
    adversary: { type: 'string', default: 'none' },
    classes: { type: 'string', default: '10' },
  },
});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

await initBackend({ force: 'wasm' });
const B = Number(values.batch);
const K = Number(values.classes);
for (const backbone of values.backbones!.split(',') as BackboneKind[]) {
  for (const S of values.sizes!.split(',').map(Number)) {
    const model = await EaderModel.create({ numClasses: K, backbone, adversary: values.adversary as AdversaryKind, imageSize: S, batchSize: B, optimizer: { kind: 'adam', lr: 1e-3 } });
    const images = tf.randomNormal([B, S, S, 3]) as tf.Tensor4D;
    const labels = tf.tensor2d(Float32Array.from({ length: B * K }, (_, i) => (i % K === (i / K) % K || i % 7 === 0 ? 1 : 0)), [B, K]);
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let s = 0; s < Number(values.steps); s++) {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      model.step({ images, labels });
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      wall.push(performance.now() - w0);
    }
    const cams = tf.randomNormal([1, S, S, 3]) as tf.Tensor4D;
    const c0 = process.cpuUsage();
    for (let i = 0; i < 5; i++) model.cams(cams, [[0, 1]]);
    const camCpu = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 5000;
    console.log(JSON.stringify({ backbone, size: S, batch: B, cpuMsPerStep: +median(cpu.slice(2)).toFixed(1), wallMsPerStep: +median(wall.slice(2)).toFixed(1), camCpuMs: +camCpu.toFixed(1), load: +(await import('node:os')).loadavg()[0]!.toFixed(1) }));
    tf.dispose([images, labels, cams]);
    model.dispose();
  }
}
process.exit(0);
