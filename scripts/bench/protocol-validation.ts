/**
 * What checking every child-process message with zod costs (src-main/processes): the replica
 * protocol's per-step messages at ResNet-50 size (161 gradient tensors) and a re-sync state, and
 * the trainer's progress report. Median of 9 rounds of 200 parses each, after a warm-up; both
 * ends check each message, so a data-parallel step pays each `grads`/`apply` figure twice.
 * Writes bench/protocol-validation.md.
 *   TSX_TSCONFIG_PATH=tsconfig.base.json npx tsx scripts/bench/protocol-validation.ts
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { z } from 'zod';
import { FromReplica, ToReplica } from '@shared/protocols/replica';
import { TrainerMessage } from '@shared/trainer-protocol';

const grads: Record<string, Float32Array> = {};
for (let i = 0; i < 161; i++) grads[`layer.${i}.weight`] = new Float32Array(1024);
const tensors = Object.entries(grads).map(([name, data]) => ({ name, shape: [1024], dtype: 'float32' as const, data }));
const cases: [string, z.ZodType, unknown][] = [
  ['replica `grads` request (4×448×448×3 images)', ToReplica, { type: 'grads', id: 2, step: 0, images: new Float32Array(4 * 448 * 448 * 3), imageShape: [4, 448, 448, 3], labels: new Float32Array(80), scale: { images: 0.5, pairs: 0.5 } }],
  ['replica `grads` reply (161 gradients)', FromReplica, { type: 'grads', id: 2, result: { step: 0, phase: 'localizer', losses: { bce: 1, reg: 0, adv: 0, advBce: 0, total: 1 }, pairs: 3, grads } }],
  ['replica `apply` (161 gradients)', ToReplica, { type: 'apply', id: 3, phase: 'localizer', grads, checksum: false }],
  ['replica `set-state` (483 tensors)', ToReplica, { type: 'set-state', id: 4, state: { step: 1, tensors: [...tensors, ...tensors, ...tensors], extra: {} } }],
  ['trainer `progress` report', TrainerMessage, { type: 'progress', step: 5, totalSteps: 100, epoch: 0, epochs: 3, phase: 'localizer', losses: { bce: 0.6, reg: 0, adv: 0.01, advBce: 0.5, total: 0.61 }, imagesPerSecond: 30, etaSeconds: 12, numTensors: 300, backend: 'wasm', elapsedSeconds: 3 }],
];

function medianMs(schema: z.ZodType, message: unknown): number {
  for (let i = 0; i < 500; i++) schema.parse(message);
  const rounds: number[] = [];
  for (let r = 0; r < 9; r++) {
    const started = performance.now();
    for (let i = 0; i < 200; i++) schema.parse(message);
    rounds.push((performance.now() - started) / 200);
  }
  return rounds.sort((a, b) => a - b)[4] ?? Number.NaN;
}

const rows = cases.map(([what, schema, message]) => `| ${what} | ${(medianMs(schema, message) * 1000).toFixed(1)} |`);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load ${loadavg()[0]?.toFixed(1)} (1 min) at the start`;
const text = `# Message validation cost (zod, src-main/processes)

Written by \`scripts/bench/protocol-validation.ts\` on ${new Date().toISOString().slice(0, 10)}; ${machine}.
Median of 9 rounds × 200 parses. Typed arrays are checked by class and length, never copied.

| message | µs per check |
|---|---|
${rows.join('\n')}
`;
writeFileSync('bench/protocol-validation.md', text);
console.log(text);
