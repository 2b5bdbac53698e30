import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '@shared/domain/app-info';
import { api, call } from '../api/client';
import { errorText } from '@shared/envelope';

export type Area = 'datasets' | 'training' | 'masks' | 'export';
export const AREAS: { id: Area; label: string }[] = [
  { id: 'datasets', label: 'Datasets' },
  { id: 'training', label: 'Training' },
  { id: 'masks', label: 'Masks' },
  { id: 'export', label: 'Export' },
];

export const useAppStore = defineStore('app', () => {
  const area = ref<Area>('datasets');
  const info = ref<AppInfo | null>(null);
  const error = ref<string | null>(null);

  async function load(): Promise<void> {
    try {
      info.value = await call('app:info', undefined);
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    }
  }

  api().on('app:backend', (backend) => {
    if (info.value) info.value = { ...info.value, backend };
  });

  return { area, info, error, load };
});
