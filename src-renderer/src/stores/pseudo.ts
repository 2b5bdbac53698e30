/**
 * Pseudo-masks: the chosen run and settings, the generation job (kept current by pseudo:progress),
 * the cached cams of the images on screen (raw typed arrays outside Vue's reactivity, fetched once
 * per image; a threshold change re-renders them in the renderer), metrics, the queue, acceptance.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { HeadJobState, PseudoAcceptResult, PseudoCacheInfo, PseudoCams, PseudoCamSettings, PseudoEvalResult, PseudoJobState, PseudoQueue } from '@shared/domain/pseudo-view';
import { REFINER_NAMES, type RefinerName } from '@shared/pseudo/refiners';
import { PseudoRenderSettings } from '@shared/domain/pseudo-view';
import type { RunSummary } from '@shared/domain/training-view';
import { api, call } from '../api/client';
import { errorText } from '@shared/envelope';

export const PAGE_SIZE = 24;

export const usePseudoStore = defineStore('pseudo', () => {
  const runs = ref<RunSummary[]>([]);
  const runId = ref<string | null>(null);
  const split = ref('val');
  const cam = ref<PseudoCamSettings>({ checkpoint: 'best', scales: [1, 0.75, 1.25], flip: true, labels: 'gt', labelThreshold: 0.5 });
  const render = ref<PseudoRenderSettings>(PseudoRenderSettings.parse({}));
  const job = ref<PseudoJobState | null>(null);
  /** The affinity-head job (Train affinity head), kept current by pseudo:head-progress. */
  const headJob = ref<HeadJobState | null>(null);
  /** Minutes for the head (empty: its epochs decide). */
  const headBudget = ref<number | null>(null);
  const cache = ref<PseudoCacheInfo | null>(null);
  const page = ref(0);
  /** Cams by image id (not reactive inside; `camsVersion` ticks when entries arrive). */
  const cams = shallowRef(markRaw(new Map<string, PseudoCams>()));
  const camsVersion = ref(0);
  const selected = ref<string[]>([]);
  const evaluation = shallowRef<PseudoEvalResult | null>(null);
  const comparison = shallowRef<PseudoEvalResult | null>(null);
  const queue = shallowRef<PseudoQueue | null>(null);
  const accepted = ref<PseudoAcceptResult | null>(null);
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);
  let subscribed = false;

  async function guard<T>(label: string, action: () => Promise<T>): Promise<T | null> {
    busy.value = label;
    error.value = null;
    try {
      return await action();
    } catch (e) {
      error.value = errorText(e);
      return null;
    } finally {
      busy.value = null;
    }
  }

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    api().on('pseudo:progress', (state) => {
      job.value = state;
      if (state.status !== 'running' && state.runId === runId.value) void refreshCache();
    });
    api().on('pseudo:head-progress', (state) => {
      headJob.value = state;
      if (state.status !== 'running' && state.runId === runId.value) void refreshCache();
    });
  }

  async function load(): Promise<void> {
    subscribe();
    await guard('runs', async () => {
      runs.value = await call('training:runs', undefined);
      job.value = await call('pseudo:status', undefined);
      headJob.value = await call('pseudo:head-status', undefined).catch(() => null); // a host without heads still lists runs
      if (!runId.value || !runs.value.some((r) => r.runId === runId.value)) runId.value = runs.value[0]?.runId ?? null;
    });
    await refreshCache();
  }

  function resetRun(): void {
    cams.value = markRaw(new Map());
    camsVersion.value++;
    evaluation.value = null;
    queue.value = null;
    selected.value = [];
    page.value = 0;
  }

  async function selectRun(id: string): Promise<void> {
    runId.value = id;
    resetRun();
    await refreshCache();
  }

  async function refreshCache(): Promise<void> {
    if (!runId.value) return;
    const id = runId.value;
    const info = await guard('cache', () => call('pseudo:cache', { runId: id }));
    if (runId.value !== id) return;
    if (info === null || info.hash !== cache.value?.hash) resetRun();
    cache.value = info;
    if (render.value.refine === 'rw' && !info?.affinityHead) render.value.refine = 'none'; // rw needs the head's embedding in the cams
    await loadPage(page.value);
  }

  /** Image ids of the cache, in order; the grid pages through them. */
  const pageIds = (n: number): string[] => (cache.value?.ids ?? []).slice(n * PAGE_SIZE, (n + 1) * PAGE_SIZE);

  async function loadPage(n: number): Promise<void> {
    page.value = n;
    const id = runId.value;
    const wanted = pageIds(n).filter((i) => !cams.value.has(i));
    if (!id || wanted.length === 0) return;
    const result = await guard('cams', () => call('pseudo:cams', { runId: id, ids: wanted }));
    if (!result || runId.value !== id) return;
    for (const item of result.items) cams.value.set(item.id, markRaw(item));
    camsVersion.value++;
  }

  async function generate(ids?: string[]): Promise<void> {
    if (!runId.value) return;
    const input = ids ? { runId: runId.value, ids, cam: cam.value } : { runId: runId.value, split: split.value, cam: cam.value };
    const state = await guard('generate', () => call('pseudo:generate', input));
    if (state) job.value = state;
    if (state && state.status !== 'running') await refreshCache();
  }

  /** The refiners the cams allow: rw once they carry the affinity head's embedding. */
  const refiners = computed<RefinerName[]>(() => REFINER_NAMES.filter((name) => name !== 'rw' || cache.value?.affinityHead === true));

  async function trainHead(): Promise<void> {
    if (!runId.value) return;
    const state = await guard('train-head', () => call('pseudo:train-head', { runId: runId.value!, timeBudgetMinutes: headBudget.value }));
    if (state) headJob.value = state;
  }

  async function cancelHead(): Promise<void> {
    headJob.value = await guard('cancel-head', () => call('pseudo:head-cancel', undefined));
  }

  async function cancel(): Promise<void> {
    job.value = await guard('cancel', () => call('pseudo:cancel', undefined));
  }

  async function evaluate(): Promise<void> {
    if (!runId.value) return;
    evaluation.value = await guard('evaluate', () => call('pseudo:evaluate', { runId: runId.value!, settings: render.value, split: split.value }));
  }

  async function compareWith(otherRunId: string): Promise<void> {
    comparison.value = await guard('compare', () => call('pseudo:evaluate', { runId: otherRunId, settings: render.value, split: split.value }));
  }

  async function loadQueue(): Promise<void> {
    if (!runId.value) return;
    queue.value = await guard('queue', () => call('pseudo:queue', { runId: runId.value!, settings: render.value }));
  }

  async function accept(scope: { ids?: string[]; maxScore?: number; split?: string }): Promise<void> {
    if (!runId.value) return;
    accepted.value = await guard('accept', () => call('pseudo:accept', { runId: runId.value!, settings: render.value, ...scope }));
  }

  function toggleSelected(id: string): void {
    selected.value = selected.value.includes(id) ? selected.value.filter((s) => s !== id) : [...selected.value, id];
  }

  return {
    runs, runId, split, cam, render, job, headJob, headBudget, refiners, cache, page, cams, camsVersion, selected, evaluation, comparison, queue, accepted, busy, error,
    load, selectRun, refreshCache, pageIds, loadPage, generate, cancel, trainHead, cancelHead, evaluate, compareWith, loadQueue, accept, toggleSelected,
  };
});
