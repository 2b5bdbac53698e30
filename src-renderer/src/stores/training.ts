/**
 * The Training area: presets and the settings being edited, the live run (re-attached from
 * `training:status` on load, then kept current by the training:* events), and the run history.
 * The loss series is a SeriesBuffer outside Vue's reactivity; `seriesVersion` ticks per batch.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { TrainConfig } from '@shared/domain/train-config';
import type { PresetId } from '@shared/domain/train-presets';
import { SeriesBuffer, type RunDetail, type RunSummary, type TrainingPreset, type TrainingSample, type TrainingState } from '@shared/domain/training-view';
import { api, call } from '../api/client';
import { useWeightsStore } from './weights';
import { errorText } from '@shared/envelope';
import { useAppStore } from './app';

/** The renderer keeps up to this many points before min/max compaction (the charts decimate to pixels). */
export const RENDER_POINTS = 200_000;
export const ROUNDS_SHOWN = 24;

export interface Toast {
  id: number;
  level: 'info' | 'error';
  text: string;
}


export const useTrainingStore = defineStore('training', () => {
  const presets = ref<TrainingPreset[]>([]);
  const presetId = ref<PresetId>('paper');
  const config = ref<TrainConfig | null>(null);
  const state = ref<TrainingState | null>(null);
  const series = shallowRef(markRaw(new SeriesBuffer(RENDER_POINTS)));
  const seriesVersion = ref(0);
  const numTensors = ref<number | null>(null);
  /** Rounds per sample image, oldest first. */
  const rounds = shallowRef(new Map<string, TrainingSample[]>());
  const runs = ref<RunSummary[]>([]);
  const opened = shallowRef<RunDetail[]>([]);
  const busy = ref(false);
  const error = ref<string | null>(null);
  const toasts = ref<Toast[]>([]);
  let attached = false;
  let nextToast = 1;

  function resetLive(): void {
    series.value = markRaw(new SeriesBuffer(RENDER_POINTS));
    rounds.value = new Map();
    seriesVersion.value++;
  }

  function addRound(sample: TrainingSample): void {
    const next = new Map(rounds.value);
    const list = [...(next.get(sample.imageId) ?? []), sample].slice(-ROUNDS_SHOWN);
    next.set(sample.imageId, list);
    rounds.value = next;
  }

  function toast(level: Toast['level'], text: string): void {
    const id = nextToast++;
    toasts.value = [...toasts.value, { id, level, text }];
    setTimeout(() => (toasts.value = toasts.value.filter((t) => t.id !== id)), 8000);
  }

  function applyState(next: TrainingState): void {
    const previous = state.value;
    const newRun = !previous || previous.runId !== next.runId || (next.status === 'starting' && previous.status !== 'starting');
    if (newRun) resetLive();
    state.value = next;
    const ended = next.status === 'finished' || next.status === 'failed';
    const wasLive = previous !== null && previous.runId === next.runId && previous.status !== 'finished' && previous.status !== 'failed';
    if (ended && wasLive) {
      const text =
        next.status === 'finished'
          ? `Run ${next.runId} finished (${next.outcome?.kind === 'finished' ? next.outcome.reason : 'done'}) at step ${next.step}.`
          : `Run ${next.runId ?? ''} failed: ${next.outcome && 'message' in next.outcome ? next.outcome.message : 'unknown error'}`;
      if (api().transport === 'host') toast(next.status === 'finished' ? 'info' : 'error', text);
      void refreshRuns();
    }
  }

  function subscribe(): void {
    api().on('training:state', (s) => {
      if (attached) applyState(s);
    });
    api().on('training:progress', (event) => {
      if (!attached || event.runId !== state.value?.runId) return;
      const buffer = series.value;
      const last = buffer.length > 0 ? buffer.column('step')[buffer.length - 1]! : -Infinity;
      // Skip points a re-attach already had (events and the status answer can overlap).
      const first = event.points.step.findIndex((s) => s !== null && s > last);
      if (first < 0) return;
      const points = Object.fromEntries(Object.entries(event.points).map(([k, v]) => [k, v.slice(first)])) as typeof event.points;
      buffer.pushChunk(points);
      seriesVersion.value++;
      numTensors.value = event.numTensors;
      if (state.value) state.value = { ...state.value, ...event.progress, status: state.value.status };
    });
    api().on('training:sample', (sample) => {
      if (attached && sample.runId === state.value?.runId) addRound(sample);
    });
  }

  /** Load presets, re-attach to the live (or last) run, list the history. Safe to call again. */
  async function init(): Promise<void> {
    try {
      if (!attached) {
        subscribe();
        useWeightsStore().onStoreChanged(() => void refreshPresets());
      }
      if (presets.value.length === 0) {
        presets.value = (await call('training:presets', undefined)).presets;
        choosePreset(await suggestedPreset());
      }
      await reattach();
      await refreshRuns();
    } catch (e) {
      error.value = errorText(e);
    }
  }

  async function reattach(): Promise<void> {
    const status = await call('training:status', undefined);
    attached = true;
    const buffer = markRaw(new SeriesBuffer(RENDER_POINTS));
    buffer.pushChunk(status.series);
    series.value = buffer;
    const map = new Map<string, TrainingSample[]>();
    for (const s of status.samples) map.set(s.imageId, [...(map.get(s.imageId) ?? []), s].slice(-ROUNDS_SHOWN));
    rounds.value = map;
    state.value = status.state;
    seriesVersion.value++;
    // A reloaded page shows the settings of the run it re-attached to.
    if (status.state.config) {
      if (status.state.preset) presetId.value = status.state.preset;
      config.value = { ...status.state.config };
    }
  }

  /** The preset that suits this machine's backend (the CPU recipe without a GPU), from the backend probe. */
  async function suggestedPreset(): Promise<PresetId> {
    const app = useAppStore();
    if (!app.info) await app.load();
    return app.info?.backend.suggestedPreset ?? presetId.value;
  }

  /**
   * Fetch the presets again (the weights store changed: a preset may now take ImageNet weights).
   * Settings still as the preset made them follow it; edited settings are left alone.
   */
  async function refreshPresets(): Promise<void> {
    const before = presets.value.find((p) => p.id === presetId.value)?.config;
    const untouched = before !== undefined && config.value !== null && JSON.stringify(before) === JSON.stringify(config.value);
    try {
      presets.value = (await call('training:presets', undefined)).presets;
    } catch (e) {
      error.value = errorText(e);
      return;
    }
    if (untouched && !['starting', 'running', 'paused', 'stopping'].includes(state.value?.status ?? 'idle')) choosePreset(presetId.value);
  }

  function choosePreset(id: PresetId): void {
    presetId.value = id;
    const preset = presets.value.find((p) => p.id === id);
    if (preset) config.value = { ...preset.config };
  }

  async function run<T>(action: () => Promise<T>): Promise<T | null> {
    busy.value = true;
    error.value = null;
    try {
      return await action();
    } catch (e) {
      error.value = errorText(e);
      return null;
    } finally {
      busy.value = false;
    }
  }

  async function start(): Promise<void> {
    const cfg = config.value;
    if (!cfg) return;
    const next = await run(() => call('training:start', { config: cfg, preset: presetId.value }));
    if (next) applyState(next);
  }

  async function control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    const next = await run(() => call('training:control', { action }));
    if (next) applyState(next);
  }

  async function resumeRun(runId: string): Promise<void> {
    const next = await run(() => call('training:resume-run', { runId }));
    if (next) applyState(next);
  }

  async function refreshRuns(): Promise<void> {
    try {
      runs.value = await call('training:runs', undefined);
    } catch (e) {
      error.value = errorText(e);
    }
  }

  /** Open one run (replacing what is open) or, with `compare`, beside the one open (two at most). */
  async function openRun(runId: string, compare = false): Promise<void> {
    const detail = await run(() => call('training:run', { runId }));
    if (!detail) return;
    opened.value = compare ? [...opened.value.filter((d) => d.summary.runId !== runId).slice(-1), detail] : [detail];
  }

  async function deleteRun(runId: string): Promise<void> {
    const done = await run(() => call('training:delete', { runId }));
    if (done) {
      opened.value = opened.value.filter((d) => d.summary.runId !== runId);
      await refreshRuns();
    }
  }

  return {
    presets,
    presetId,
    config,
    state,
    series,
    seriesVersion,
    numTensors,
    rounds,
    runs,
    opened,
    busy,
    error,
    toasts,
    init,
    reattach,
    choosePreset,
    refreshPresets,
    start,
    control,
    resumeRun,
    refreshRuns,
    openRun,
    deleteRun,
  };
});
