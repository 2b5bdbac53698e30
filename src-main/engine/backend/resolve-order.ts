/**
 * The resolution order as a pure function (DESIGN §3): webgpu on a hardware adapter, then
 * tfjs-node-gpu, tfjs-node, wasm, cpu. A software WebGPU adapter is never picked on its own; a
 * forced backend is the only one tried, and forcing webgpu onto a software adapter warns.
 * Both initBackend (which then starts the candidates in turn) and the main process's probe (which
 * starts nothing) use it, so the UI says what the trainer will do. tf-free.
 */
import type { BackendCandidate, BackendName } from '@shared/domain/app-info';
import { BACKEND_ORDER } from './backend-names';
import { adapterLabel, type WebGpuAvailability } from './webgpu/adapter';

export interface ResolutionInput {
  /** The forced backend and who forced it (e.g. "EADER_BACKEND=webgpu"), or null: auto. */
  forced: { name: BackendName; by: string } | null;
  webgpu: WebGpuAvailability;
  /** true, or why the backend cannot run here (e.g. "@tensorflow/tfjs-node is not installed"). */
  installed(name: Exclude<BackendName, 'webgpu'>): true | string;
}

export interface ResolutionPlan {
  /** Backends to start, in order; the first that starts is used. */
  attempts: BackendName[];
  /** Verdicts on the backends left out in advance. */
  excluded: BackendCandidate[];
  /** Set when a software adapter is forced. */
  warning: string | null;
}

export function planBackends(input: ResolutionInput): ResolutionPlan {
  const { forced, webgpu } = input;
  if (forced) {
    const excluded = BACKEND_ORDER.filter((n) => n !== forced.name).map((name): BackendCandidate => ({ name, status: 'skipped', why: `${forced.by} forces ${forced.name}` }));
    const warning =
      forced.name === 'webgpu' && webgpu.ok && webgpu.adapter.software
        ? `webgpu runs on a software adapter (${adapterLabel(webgpu.adapter)}): the CPU emulates the GPU, slower than wasm. Use it to test the path, not to train.`
        : null;
    return { attempts: [forced.name], excluded, warning };
  }
  const attempts: BackendName[] = [];
  const excluded: BackendCandidate[] = [];
  for (const name of BACKEND_ORDER) {
    if (name === 'webgpu') {
      if (!webgpu.ok) excluded.push({ name, status: 'unavailable', why: webgpu.why });
      else if (webgpu.adapter.software) {
        excluded.push({ name, status: 'skipped', why: `the only adapter is a software one (${adapterLabel(webgpu.adapter)}); --backend webgpu forces it` });
      } else attempts.push(name);
      continue;
    }
    const installed = input.installed(name);
    if (installed === true) attempts.push(name);
    else excluded.push({ name, status: 'unavailable', why: installed });
  }
  return { attempts, excluded, warning: null };
}

/** The verdicts in resolution order: the plan's exclusions, the failed starts, the winner, the rest. */
export function verdicts(plan: ResolutionPlan, failed: BackendCandidate[], picked: { name: BackendName; why: string } | null): BackendCandidate[] {
  const known = new Map<BackendName, BackendCandidate>();
  for (const c of [...plan.excluded, ...failed]) known.set(c.name, c);
  if (picked) known.set(picked.name, { name: picked.name, status: 'picked', why: picked.why });
  return BACKEND_ORDER.map((name) => known.get(name) ?? { name, status: 'skipped', why: picked ? `${picked.name} comes first` : 'not tried' });
}
