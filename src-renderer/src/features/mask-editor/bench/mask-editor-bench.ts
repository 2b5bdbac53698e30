/**
 * The mask editor's micro-benchmarks on the pure model (no DOM): one brush segment on a 4096²
 * mask, flood fill on 4 MP, undo/redo of a large stroke, dirty-rect recolouring, SLIC. Medians of
 * `runs` (≥ 20; SLIC: 5). scripts/bench/mask-editor-bench.ts runs it under Node and writes the files.
 */
import { colourMaskRect, paletteLut } from '../canvas/colours';
import { MaskLayer } from '../model/mask-layer';
import { computeSlic } from '../model/slic';
import { EditorSession } from '../session/editor-session';
import { makeDemoImage } from '../storage/demo-data';

export interface BenchRow {
  name: string;
  size: string;
  runs: number;
  medianMs: number;
  p90Ms: number;
  targetMs: number | null;
}

function stats(times: number[]): { medianMs: number; p90Ms: number } {
  const s = [...times].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const medianMs = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { medianMs, p90Ms: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]! };
}

/** Times `body` `runs` times after `setup` (untimed) each run. */
function measure(runs: number, setup: (k: number) => void, body: (k: number) => void): { medianMs: number; p90Ms: number } {
  const times: number[] = [];
  for (let k = -2; k < runs; k++) {
    setup(k);
    const t = performance.now();
    body(k);
    const dt = performance.now() - t;
    if (k >= 0) times.push(dt);
  }
  return stats(times);
}

/** A fixed 4 Mi-element byte loop: its time shows how loaded this machine is (≈ 3–5 ms when idle). */
function calibrate(runs: number): { medianMs: number; p90Ms: number } {
  const a = new Uint8Array(4 << 20);
  const b = new Uint8Array(a.length);
  return measure(runs, () => {}, () => {
    for (let i = 0; i < a.length; i++) b[i] = a[i] === 0 ? 1 : 0;
  });
}

export function runMaskEditorBench(runs = 30): BenchRow[] {
  const RUNS = Math.max(20, runs);
  const rows: BenchRow[] = [];
  const add = (name: string, size: string, count: number, r: { medianMs: number; p90Ms: number }, targetMs: number | null): void => {
    rows.push({ name, size, runs: count, ...r, targetMs });
  };
  add('calibration: 4 Mi-element byte loop', '4 MiB', RUNS, calibrate(RUNS), null);

  // 1. One brush segment (100 px long, brush 32) inside a stroke on a 4096² mask, recording on.
  {
    const session = new EditorSession({ layer: new MaskLayer(4096, 4096), options: { brushSize: 32, classIndex: 3 } });
    let p = { x: 200, y: 200 };
    session.pointerDown(p);
    const r = measure(RUNS, () => {}, (k) => {
      p = { x: 200 + ((k + 3) * 71) % 3600, y: 200 + ((k + 3) * 100) % 3600 };
      session.pointerMove(p);
    });
    session.pointerUp(p);
    add('brush segment (122 px, size 32, recording)', '4096²', RUNS, r, 4);
    const big = new EditorSession({ layer: new MaskLayer(4096, 4096), options: { brushSize: 128, classIndex: 3 } });
    big.pointerDown({ x: 1000, y: 1000 });
    const rb = measure(RUNS, () => {}, (k) => big.pointerMove({ x: 1000 + ((k + 3) % 2) * 100, y: 1000 + (k + 3) * 3 }));
    big.pointerUp({ x: 1000, y: 1000 });
    add('brush segment (100 px, size 128, recording)', '4096²', RUNS, rb, 4);
  }

  // 2. Flood fill of the whole 4 MP background, alone and as a full gesture (fill + history record).
  {
    const layer = new MaskLayer(2048, 2048);
    const session = new EditorSession({ layer, tool: 'flood', options: { classIndex: 1 } });
    const rFill = measure(RUNS, () => {}, (k) => {
      session.options.classIndex = (k & 1) + 1; // alternate so every fill changes all pixels
      session.pointerDown({ x: 1024, y: 1024 });
      session.pointerUp({ x: 1024, y: 1024 });
    });
    add('flood fill, whole image, incl. history record', '2048² (4 MP)', RUNS, rFill, 50);
    // A ragged region: stripes of class 1 with gaps, so the fill snakes through many spans.
    for (let y = 0; y < 2048; y++) for (let x = 0; x < 2048; x++) layer.data[y * 2048 + x] = y % 8 === 0 && x % 64 !== 0 ? 9 : 0;
    const rRagged = measure(RUNS, () => {}, (k) => {
      session.options.classIndex = (k & 1) + 1;
      session.pointerDown({ x: 5, y: 5 });
      session.pointerUp({ x: 5, y: 5 });
    });
    add('flood fill, striped region, incl. history record', '2048² (4 MP)', RUNS, rRagged, 50);
    const image = makeDemoImage('bench', 2048, 2048, 3).image;
    const colour = new EditorSession({ layer: new MaskLayer(2048, 2048), image, tool: 'flood', options: { floodUseColour: true, floodTolerance: 30 } });
    const rColour = measure(RUNS, () => {}, (k) => {
      colour.options.classIndex = (k & 1) + 1;
      colour.pointerDown({ x: 3, y: 3 });
      colour.pointerUp({ x: 3, y: 3 });
    });
    add('flood fill, colour-limited (tolerance 30)', '2048² (4 MP)', RUNS, rColour, 50);
  }

  // 3. Undo and redo of one large stroke (diagonal, brush 64: its dirty rect is the whole 4096² mask).
  {
    const session = new EditorSession({ layer: new MaskLayer(4096, 4096), options: { brushSize: 64, classIndex: 5 } });
    session.pointerDown({ x: 10, y: 10 });
    for (let t = 1; t <= 40; t++) session.pointerMove({ x: 10 + t * 100, y: 10 + t * 100 });
    session.pointerUp({ x: 4090, y: 4090 });
    const cmdBytes = session.history.bytes;
    // Each timed undo is preceded by an untimed redo (and vice versa), so every run does the work.
    const rPair = measure(RUNS, () => session.redo(), () => session.undo());
    const rRedo = measure(RUNS, () => session.undo(), () => session.redo());
    add(`undo of a large stroke (${(cmdBytes / 2 ** 20).toFixed(0)} MiB command)`, '4096²', RUNS, rPair, null);
    add('redo of the same stroke', '4096²', RUNS, rRedo, null);
    const small = new EditorSession({ layer: new MaskLayer(4096, 4096), options: { brushSize: 32, classIndex: 5 } });
    small.pointerDown({ x: 100, y: 100 });
    for (let t = 1; t <= 10; t++) small.pointerMove({ x: 100 + t * 50, y: 100 });
    small.pointerUp({ x: 600, y: 100 });
    add('undo of a 500-px stroke (size 32)', '4096²', RUNS, measure(RUNS, () => small.redo(), () => small.undo()), null);
  }

  // 4. Recolouring the dirty rect of a brush segment for upload (the CPU side of the redraw).
  {
    const layer = new MaskLayer(4096, 4096);
    const rgba = new Uint32Array(4096 * 4096);
    const lut = paletteLut([[0, 0, 0], [128, 0, 0], [0, 128, 0]]);
    const rect = { x0: 1000, y0: 1000, x1: 1132, y1: 1132 };
    add('recolour dirty rect 132×132 for putImageData', '4096²', RUNS, measure(RUNS, () => {}, () => colourMaskRect(layer.data, 4096, rect, lut, rgba)), null);
    const runs = 20;
    add('recolour the whole mask (what dirty rects avoid)', '4096²', runs, measure(runs, () => {}, () => colourMaskRect(layer.data, 4096, layer.bounds, lut, rgba)), null);
  }

  // 5. SLIC superpixels, computed once per image when the superpixel tool is first used.
  {
    const image = makeDemoImage('slic', 512, 512, 5).image;
    add('SLIC superpixels (once per image)', '512²', 5, measure(5, () => {}, () => computeSlic(image)), null);
    const large = makeDemoImage('slic', 1024, 1024, 5).image;
    add('SLIC superpixels (once per image)', '1024²', 5, measure(5, () => {}, () => computeSlic(large)), null);
  }
  return rows;
}
