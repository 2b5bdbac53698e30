/**
 * The loop as rounds (Masks area, Rounds tab): the localizer run they start from, its rounds with
 * their scores, the round running now (kept current by rounds:progress), and the next round's settings.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { RoundSettings, type RoundJob, type RoundsView } from '@shared/domain/segmenter-view';
import type { RunSummary } from '@shared/domain/training-view';
import { errorText } from '@shared/envelope';
import { api, call } from '../api/client';

export const useRoundsStore = defineStore('rounds', () => {
  const localizers = ref<RunSummary[]>([]);
  const localizerRunId = ref<string | null>(null);
  const view = ref<RoundsView | null>(null);
  const job = ref<RoundJob | null>(null);
  const settings = ref<RoundSettings>(RoundSettings.parse({}));
  const error = ref<string | null>(null);
  let subscribed = false;

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    api().on('rounds:progress', (next) => {
      job.value = next;
      if ((next.phase === 'finished' || next.phase === 'failed') && next.localizerRunId === localizerRunId.value) void refresh();
    });
  }

  async function load(): Promise<void> {
    subscribe();
    try {
      const runs = await call('training:runs', undefined);
      localizers.value = runs.filter((r) => r.kind === 'localizer');
      if (!localizerRunId.value || !localizers.value.some((r) => r.runId === localizerRunId.value)) localizerRunId.value = localizers.value[0]?.runId ?? null;
      await refresh();
    } catch (e) {
      error.value = errorText(e);
    }
  }

  async function refresh(): Promise<void> {
    if (!localizerRunId.value) {
      view.value = null;
      return;
    }
    try {
      view.value = await call('rounds:list', { localizerRunId: localizerRunId.value });
      job.value = view.value.job ?? job.value;
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    }
  }

  async function select(runId: string): Promise<void> {
    localizerRunId.value = runId;
    await refresh();
  }

  async function startNext(): Promise<void> {
    if (!localizerRunId.value) return;
    error.value = null;
    try {
      job.value = await call('rounds:start', { localizerRunId: localizerRunId.value, settings: settings.value });
    } catch (e) {
      error.value = errorText(e);
    }
  }

  return { localizers, localizerRunId, view, job, settings, error, load, refresh, select, startNext };
});
