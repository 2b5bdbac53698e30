/** The Datasets area: the open dataset's summary, the active filters and a page cache of images. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { DatasetSummary, ImageListItem, ReviewStatus, ScanProgress } from '@shared/domain/dataset-view';
import { api, call } from '../api/client';
import { errorText } from '@shared/envelope';

export const PAGE_SIZE = 200;

export interface DatasetFilters {
  classIndex?: number;
  split?: string;
  hasGt?: boolean;
  review?: ReviewStatus;
}

export const useDatasetsStore = defineStore('datasets', () => {
  const summary = ref<DatasetSummary | null>(null);
  const filters = ref<DatasetFilters>({});
  const total = ref(0);
  /** Pages by offset; replaced (not mutated) so views redraw. Big arrays stay out of deep reactivity. */
  const pages = shallowRef(new Map<number, ImageListItem[]>());
  const selectedId = ref<string | null>(null);
  const opening = ref(false);
  const progress = ref<ScanProgress | null>(null);
  const error = ref<string | null>(null);
  let generation = 0;
  const inFlight = new Set<number>();

  api().on('dataset:progress', (p) => (progress.value = p));

  async function open(target: { path: string } | { demo: true }): Promise<void> {
    opening.value = true;
    error.value = null;
    progress.value = null;
    try {
      summary.value = await call('dataset:open', target);
      filters.value = {};
      selectedId.value = null;
      await refresh();
    } catch (e) {
      error.value = errorText(e);
    } finally {
      opening.value = false;
      progress.value = null;
    }
  }

  async function restore(): Promise<void> {
    const current = await call('dataset:current', undefined);
    if (current && !summary.value) {
      summary.value = current;
      await refresh();
    }
  }

  async function refresh(): Promise<void> {
    generation++;
    pages.value = new Map();
    inFlight.clear();
    total.value = 0;
    await loadPage(0);
  }

  async function loadPage(offset: number): Promise<void> {
    const pageOffset = Math.floor(offset / PAGE_SIZE) * PAGE_SIZE;
    if (!summary.value || pages.value.has(pageOffset) || inFlight.has(pageOffset)) return;
    const mine = generation;
    inFlight.add(pageOffset);
    try {
      const page = await call('dataset:images', { offset: pageOffset, limit: PAGE_SIZE, ...filters.value });
      if (mine !== generation) return;
      total.value = page.total;
      const next = new Map(pages.value);
      next.set(pageOffset, page.items);
      pages.value = next;
    } catch (e) {
      error.value = errorText(e);
    } finally {
      inFlight.delete(pageOffset);
    }
  }

  function itemAt(index: number): ImageListItem | undefined {
    const pageOffset = Math.floor(index / PAGE_SIZE) * PAGE_SIZE;
    return pages.value.get(pageOffset)?.[index - pageOffset];
  }

  async function setFilters(next: DatasetFilters): Promise<void> {
    filters.value = next;
    await refresh();
  }

  const classNames = computed(() => summary.value?.classes ?? []);
  const splitNames = computed(() => Object.keys(summary.value?.splits ?? {}));

  return { summary, filters, total, pages, selectedId, opening, progress, error, classNames, splitNames, open, restore, refresh, loadPage, itemAt, setFilters };
});
