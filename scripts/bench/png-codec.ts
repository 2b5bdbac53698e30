/**
 * Indexed-PNG codec: the hand-written codec (src-main/codecs at BASELINE, read from git) against
 * fast-png (what src-main/codecs/indexed-png.ts uses now), on 2048² class-index masks: encode and
 * decode medians, and the file size. Decides issue 11's "fast-png unless it is slower on a 2048²
 * mask". Writes bench/png-codec.md (atomically).
 *
 *   npx tsx scripts/bench/png-codec.ts [--runs 41] [--encode-runs 7] [--out bench/png-codec.md]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, renameSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeIndexedPng, encodeIndexedPng } from '../../src-main/codecs/indexed-png';
import { median } from './timing';

const BASELINE = 'bafd886';
const SIDE = 2048;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}
interface Codec {
  encode(mask: Mask): Uint8Array;
  decode(bytes: Uint8Array): { mask: Mask };
}

/** The codec as it was at BASELINE, copied out of git into a temp folder and imported from there. */
async function baselineCodec(): Promise<Codec> {
  const dir = mkdtempSync(join(tmpdir(), 'eader-png-baseline-'));
  for (const name of ['indexed-png', 'png-chunks', 'png-filters', 'crc32', 'voc-palette']) {
    const text = execFileSync('git', ['show', `${BASELINE}:src-main/codecs/${name}.ts`], { encoding: 'utf8' });
    writeFileSync(join(dir, `${name}.ts`), text);
  }
  const mod = (await import(pathToFileURL(join(dir, 'indexed-png.ts')).href)) as { encodeIndexedPng: Codec['encode']; decodeIndexedPng: Codec['decode'] };
  return { encode: mod.encodeIndexedPng, decode: mod.decodeIndexedPng };
}

/** Masks like real ones: a few large objects with ragged edges and a void rim, and a noisy worst case. */
function masks(): { name: string; mask: Mask }[] {
  const data = new Uint8Array(SIDE * SIDE);
  const blobs = [
    [600, 700, 420, 5],
    [1400, 900, 520, 12],
    [1000, 1600, 300, 15],
    [300, 1700, 200, 20],
  ] as const;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      for (const [cx, cy, r, cls] of blobs) {
        const d = Math.hypot(x - cx, y - cy) + 6 * Math.sin(x / 17) * Math.cos(y / 23);
        if (d < r) data[y * SIDE + x] = cls;
        else if (d < r + 4 && data[y * SIDE + x] === 0) data[y * SIDE + x] = 255;
      }
    }
  }
  const noisy = new Uint8Array(SIDE * SIDE);
  let s = 12345;
  for (let i = 0; i < noisy.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    noisy[i] = i > 0 && s % 7 !== 0 ? noisy[i - 1]! : s % 21;
  }
  return [
    { name: 'objects (VOC-like)', mask: { width: SIDE, height: SIDE, data } },
    { name: 'noisy runs (worst case)', mask: { width: SIDE, height: SIDE, data: noisy } },
  ];
}

/**
 * Each function timed alternately (a, b, a, b, …) so that load changes hit both alike: the median ms
 * of each, and the median of the paired ratios b/a (robust on a machine others are using).
 */
function timeInterleaved(a: () => void, b: () => void, runs: number): { a: number; b: number; ratio: number } {
  a();
  b();
  const ta: number[] = [];
  const tb: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    b();
    tb.push(performance.now() - t0);
    ratios.push(tb[i]! / ta[i]!);
  }
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}

/** Differences below this share of the median are noise on a shared machine, not "slower". */
const NOISE = 0.05;

async function main(): Promise<void> {
  const runs = Number(arg('--runs', '41'));
  // The hand-written encoder takes seconds on the noisy mask: fewer runs, and the gap is large anyway.
  const encodeRuns = Number(arg('--encode-runs', '7'));
  const out = resolve(arg('--out', 'bench/png-codec.md'));
  const codecs: [string, Codec][] = [
    [`hand-written (${BASELINE})`, await baselineCodec()],
    ['fast-png (now)', { encode: encodeIndexedPng, decode: decodeIndexedPng }],
  ];
  const rows: string[] = [];
  const slower: string[] = [];
  for (const { name, mask } of masks()) {
    const files = codecs.map(([codecName, codec]) => {
      const bytes = codec.encode(mask);
      for (const [, other] of codecs) {
        if (Buffer.compare(Buffer.from(other.decode(bytes).mask.data), Buffer.from(mask.data)) !== 0) throw new Error(`${codecName}'s file does not round-trip`);
      }
      return bytes;
    });
    const [hand, fast] = codecs as [[string, Codec], [string, Codec]];
    const enc = timeInterleaved(() => void hand[1].encode(mask), () => void fast[1].encode(mask), encodeRuns);
    const dec = timeInterleaved(() => void hand[1].decode(files[0]!), () => void fast[1].decode(files[1]!), runs);
    rows.push(`| ${name} | ${hand[0]} | ${enc.a.toFixed(1)} | ${dec.a.toFixed(1)} | ${(files[0]!.length / 1024).toFixed(1)} | |`);
    rows.push(`| ${name} | ${fast[0]} | ${enc.b.toFixed(1)} | ${dec.b.toFixed(1)} | ${(files[1]!.length / 1024).toFixed(1)} | ${enc.ratio.toFixed(2)} / ${dec.ratio.toFixed(2)} |`);
    console.log(rows.slice(-2).join('\n'));
    if (enc.ratio > 1 + NOISE) slower.push(`${name}: encode (×${enc.ratio.toFixed(2)})`);
    if (dec.ratio > 1 + NOISE) slower.push(`${name}: decode (×${dec.ratio.toFixed(2)})`);
  }
  const verdict =
    slower.length === 0
      ? `fast-png is not slower than the hand-written codec in any row (no paired ratio above ${1 + NOISE}), so it replaces it (issue 11).`
      : `fast-png is slower in: ${slower.join('; ')}. Issue 11 keeps the hand-written codec in that case.`;
  const text = [
    '# Indexed-PNG codec on 2048² masks',
    '',
    `Written by \`npx tsx scripts/bench/png-codec.ts --runs ${runs} --encode-runs ${encodeRuns}\` on ${new Date().toISOString().slice(0, 10)}.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (shared with other work).`,
    `Medians in ms after one warm-up (${encodeRuns} encodes, ${runs} decodes per codec), the two codecs timed alternately; the last column is the median of the paired ratios, which decides. Every file decodes to the same indices with both codecs.`,
    '',
    '| mask | codec | encode ms | decode ms | file KiB | fast-png / hand-written (encode / decode) |',
    '|---|---|---:|---:|---:|---:|',
    ...rows,
    '',
    verdict,
    '',
  ].join('\n');
  const temp = `${out}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, out);
  console.log(`wrote ${out}`);
}

await main();
