/**
 * The weights store as the Training area sees it: the listing (entries, releases, problems), the
 * running (or last) download or import, kept current by `weights:progress` events. When a job
 * ends, the listing is fetched again and `onStoreChanged` listeners run (the training store
 * re-applies its presets: one that prefers ImageNet weights may now have them).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { WeightsJob, WeightsListing } from '@shared/domain/weights';
import { errorText } from '@shared/envelope';
import { api, call } from '../api/client';

export const useWeightsStore = defineStore('weights', () => {
  const listing = ref<WeightsListing | null>(null);
  const job = ref<WeightsJob | null>(null);
  const error = ref<string | null>(null);
  const listeners = new Set<() => void>();
  let subscribed = false;

  async function refresh(): Promise<void> {
    try {
      const next = await call('weights:list', undefined);
      listing.value = next;
      if (next.job && (!job.value || next.job.id >= job.value.id)) job.value = next.job;
    } catch (e) {
      error.value = errorText(e);
    }
  }

  function subscribe(): void {
    if (subscribed) return;
    subscribed = true;
    api().on('weights:progress', (next) => {
      const was = job.value;
      if (was && next.id < was.id) return;
      job.value = next;
      const ended = next.status !== 'running' && (was?.id !== next.id || was.status === 'running');
      if (ended) {
        void refresh().then(() => listeners.forEach((listener) => listener()));
      }
    });
  }

  async function init(): Promise<void> {
    subscribe();
    await refresh();
  }

  async function start(action: () => Promise<WeightsJob>): Promise<void> {
    error.value = null;
    try {
      const started = await action();
      // Its first events may have come before the answer: keep the newer state.
      if (!job.value || job.value.id < started.id) job.value = started;
    } catch (e) {
      error.value = errorText(e);
    }
  }

  const download = (release: string): Promise<void> => start(() => call('weights:download', { release }));
  const importFile = (path: string, name?: string): Promise<void> => start(() => call('weights:import', { path, ...(name ? { name } : {}) }));

  /** Electron: the native file dialog, then the import; null when no dialog exists (the browser host: type the path). */
  async function pickFile(): Promise<string | null> {
    if (api().transport !== 'electron') return null;
    try {
      return await call('app:pick-folder', { title: 'Import pretrained weights (.pth, .safetensors, model.json)', files: true });
    } catch (e) {
      error.value = errorText(e);
      return null;
    }
  }

  async function cancel(): Promise<void> {
    try {
      job.value = await call('weights:cancel', undefined);
    } catch (e) {
      error.value = errorText(e);
    }
  }

  function onStoreChanged(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return { listing, job, error, init, refresh, download, importFile, pickFile, cancel, onStoreChanged };
});
