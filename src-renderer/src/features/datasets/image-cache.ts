/**
 * Object URLs for thumbnails, fetched with bounded concurrency and kept in a small LRU so that a
 * 10k-image grid scrolls without re-fetching what is on screen or leaking blobs.
 */
import type { EncodedImage } from '@shared/domain/dataset-view';
import { call } from '../../api/client';

const MAX_ENTRIES = 600;
const MAX_IN_FLIGHT = 6;

const urls = new Map<string, string>();
const waiting: { id: string; resolve: (url: string | null) => void }[] = [];
const pending = new Map<string, Promise<string | null>>();
let running = 0;

export function toObjectUrl(image: EncodedImage): string {
  return URL.createObjectURL(new Blob([image.bytes as BlobPart], { type: image.mime }));
}

function remember(id: string, url: string): void {
  urls.set(id, url);
  while (urls.size > MAX_ENTRIES) {
    const [oldest, oldUrl] = urls.entries().next().value as [string, string];
    urls.delete(oldest);
    URL.revokeObjectURL(oldUrl);
  }
}

function pump(): void {
  while (running < MAX_IN_FLIGHT && waiting.length > 0) {
    // Newest requests first: they are what is on screen after a fast scroll.
    const job = waiting.pop()!;
    running++;
    call('dataset:thumbnail', { id: job.id })
      .then((image) => {
        const url = toObjectUrl(image);
        remember(job.id, url);
        job.resolve(url);
      })
      .catch(() => job.resolve(null))
      .finally(() => {
        running--;
        pending.delete(job.id);
        pump();
      });
  }
}

export function thumbnailUrl(id: string): Promise<string | null> {
  const cached = urls.get(id);
  if (cached) {
    urls.delete(id);
    urls.set(id, cached);
    return Promise.resolve(cached);
  }
  let promise = pending.get(id);
  if (!promise) {
    promise = new Promise((resolve) => waiting.push({ id, resolve }));
    pending.set(id, promise);
    pump();
  }
  return promise;
}

/** Forget queued (not yet started) requests, e.g. when the filter changes. */
export function cancelQueued(): void {
  for (const job of waiting.splice(0)) {
    pending.delete(job.id);
    job.resolve(null);
  }
}

export function clearThumbnails(): void {
  cancelQueued();
  for (const url of urls.values()) URL.revokeObjectURL(url);
  urls.clear();
}
