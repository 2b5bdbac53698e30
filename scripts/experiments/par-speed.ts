/**
 * PAR's CPU time per image (src-shared/pseudo/par.ts) at a few sizes with 1 + 2 maps (background and
 * two classes), median of 3:  npx tsx scripts/experiments/par-speed.ts
 */
import { parRefine } from '../../src-shared/pseudo/par';

const sizes: [number, number][] = [
  [64, 64],
  [80, 72],
  [128, 128],
  [250, 188],
  [500, 375],
];
for (const [w, h] of sizes) {
  const guide = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 2654435761) >>> 24);
  const maps = [0, 1, 2].map((k) => Float32Array.from({ length: w * h }, (_, i) => ((i * (k + 7)) % 101) / 100));
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    parRefine(maps, guide, w, h);
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ width: w, height: h, maps: 3, cpuMs: +times[1]!.toFixed(1) }));
}
