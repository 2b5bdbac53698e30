/** The open project (if any): its summary, and the background thumbnail progress. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ProjectInfo, ThumbProgress } from '@shared/domain/project-view';
import { api, call } from '../api/client';
import { errorText } from '@shared/envelope';
import { useAppStore } from './app';
import { useDatasetsStore } from './datasets';

export const useProjectStore = defineStore('project', () => {
  const info = ref<ProjectInfo | null>(null);
  const thumbs = ref<ThumbProgress | null>(null);
  const busy = ref(false);
  const error = ref<string | null>(null);

  api().on('project:thumbs', (p) => (thumbs.value = p));

  async function run(action: () => Promise<ProjectInfo>): Promise<void> {
    busy.value = true;
    error.value = null;
    try {
      info.value = await action();
      const datasets = useDatasetsStore();
      datasets.summary = await call('dataset:current', undefined);
      await datasets.refresh();
      await useAppStore().load();
    } catch (e) {
      error.value = errorText(e);
    } finally {
      busy.value = false;
    }
  }

  const create = (dir: string): Promise<void> => run(() => call('project:create', { dir }));
  const open = (dir: string): Promise<void> => run(() => call('project:open', { dir }));

  async function restore(): Promise<void> {
    info.value = await call('project:current', undefined);
  }

  /** A native folder picker in Electron; null in the browser host (the path field is used). */
  async function pickFolder(title: string): Promise<string | null> {
    if (useAppStore().info?.transport !== 'electron') return null;
    return call('app:pick-folder', { title });
  }

  return { info, thumbs, busy, error, create, open, restore, pickFolder };
});
