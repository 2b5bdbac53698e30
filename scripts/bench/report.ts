/** Renders bench results as markdown. */
import type { LayerTiming } from './layers';
import type { NetTiming } from './networks';

export interface TorchNet {
  net: string;
  size: number;
  trainMs: number;
  inferMs: number;
  trainImgPerS: number;
  inferImgPerS: number;
  trainCpuMs: number;
  inferCpuMs: number;
}
export interface TorchLayer {
  size: number;
  inC: number;
  outC: number;
  k: number;
  stride: number;
  forwardMs: number;
  dxMs: number;
  dwMs: number;
}
export interface BackendResult {
  backend: { name: string; device: string; reason: string; adapter?: { software: boolean; description: string; device: string } | null };
  leakedTensors: number;
  layers: LayerTiming[];
  nets: NetTiming[];
}
export interface BenchResults {
  date: string;
  machine: { cpu: string; cores: number; loadBefore: number[]; loadAfter: number[]; node: string };
  settings: { batch: number; classes: number; repeats: number; torchThreads: number };
  backends: BackendResult[];
  torch: TorchResult;
  /** The same networks with torch.set_num_threads(1). */
  torch1: TorchResult;
}
type TorchResult = { torch: string; threads: number; nets: TorchNet[]; layers: TorchLayer[] } | { error: string };

const f1 = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(1));
const ratio = (mine: number | null | undefined, theirs: number | undefined) =>
  mine === null || mine === undefined || theirs === undefined ? '–' : `${(mine / theirs).toFixed(2)}×`;

export function renderMarkdown(r: BenchResults): string {
  const torch = 'nets' in r.torch ? r.torch : null;
  const torch1 = 'nets' in r.torch1 ? r.torch1 : null;
  const lines: string[] = [
    '# EADER bench',
    '',
    `${r.date} · ${r.machine.cpu} · ${r.machine.cores} cores · Node ${r.machine.node} · load ${r.machine.loadBefore.map((l) => l.toFixed(1)).join('/')} → ${r.machine.loadAfter.map((l) => l.toFixed(1)).join('/')}`,
    `batch ${r.settings.batch}, ${r.settings.classes} classes, median of ${r.settings.repeats} after warm-up; PyTorch ${torch ? torch.torch : '(failed)'} with ${r.settings.torchThreads} threads. Ratio = tfjs time / PyTorch time (lower is better).`,
    'Wall-time ratios swing with whatever else runs on the machine (2-thread PyTorch suffers most: its OpenMP threads spin-wait). The CPU-time ratio compares single-threaded wasm with single-threaded PyTorch by process CPU time, which contention barely moves.',
    '',
    '## Networks (img/s)',
    '',
    '| net | px | backend | train | infer (CAM) | PyTorch train | PyTorch infer | train ratio | infer ratio | PyTorch 1-thread train / infer | ratio vs 1 thread (train / infer) | CPU-time ratio vs 1 thread (train / infer) | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const b of r.backends) {
    const name = b.backend.adapter?.software ? `${b.backend.name} (software adapter: ${b.backend.adapter.description || b.backend.adapter.device}; says nothing about GPUs)` : b.backend.name;
    for (const n of b.nets) {
      const t = torch?.nets.find((x) => x.net === n.net && x.size === n.size);
      const t1 = torch1?.nets.find((x) => x.net === n.net && x.size === n.size);
      lines.push(
        `| ${n.net} | ${n.size} | ${name} | ${f1(n.trainImgPerS)} | ${f1(n.inferImgPerS)} | ${f1(t?.trainImgPerS)} | ${f1(t?.inferImgPerS)} | ${ratio(n.trainMs, t?.trainMs)} | ${ratio(n.inferMs, t?.inferMs)} | ${f1(t1?.trainImgPerS)} / ${f1(t1?.inferImgPerS)} | ${ratio(n.trainMs, t1?.trainMs)} / ${ratio(n.inferMs, t1?.inferMs)} | ${ratio(n.trainCpuMs, t1?.trainCpuMs)} / ${ratio(n.inferCpuMs, t1?.inferCpuMs)} | ${n.note ?? ''} |`,
      );
    }
  }
  const wasm = r.backends.find((b) => b.layers.length > 0);
  if (wasm) {
    lines.push(
      '',
      `## Conv layers on wasm (ms, batch ${r.settings.batch})`,
      '',
      '| layer (in → out, k, stride) | forward | dX: wasm kernel (before) | dX: ours | dW: dilated-conv recipe (tf ops) | dW: ours | PyTorch fwd / dX / dW |',
      '|---|---|---|---|---|---|---|',
    );
    for (const l of wasm.layers) {
      const t = torch?.layers.find((x) => x.size === l.size && x.inC === l.inC && x.outC === l.outC && x.k === l.k && x.stride === l.stride);
      lines.push(
        `| ${l.size}²×${l.inC} → ${l.outC}, ${l.k}×${l.k}, s${l.stride} | ${f1(l.forwardMs)} | ${f1(l.dxOriginalMs)} | ${f1(l.dxMs)} | ${f1(l.dwDilatedMs)} | ${f1(l.dwMs)} | ${t ? `${f1(t.forwardMs)} / ${f1(t.dxMs)} / ${f1(t.dwMs)}` : '–'} |`,
      );
    }
  }
  lines.push('', '## Backends', '');
  for (const b of r.backends) lines.push(`- **${b.backend.name}**: ${b.backend.device} (${b.backend.reason}); tensors left after the run: ${b.leakedTensors}`);
  if (!torch) lines.push('', `PyTorch failed: ${'error' in r.torch ? r.torch.error : ''}`);
  return lines.join('\n') + '\n';
}
