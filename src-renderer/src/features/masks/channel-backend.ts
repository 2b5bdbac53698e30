/** The mask editor's storage over the typed contract: the project's masks, reviews and images. */
import { reactive } from 'vue';
import type { MaskSource } from '@shared/domain/mask-view';
import { dequantise, resizePlanes } from '@shared/pseudo/cam-grid';
import { call } from '../../api/client';
import type { MaskEditorBackend } from '../mask-editor/storage/mask-storage';

export interface ChannelBackend extends MaskEditorBackend {
  /** Where each loaded mask came from (saved in the project, imported from the dataset's GT, or empty). */
  sourceOf(id: string): MaskSource | undefined;
}

/**
 * @param camRun The run whose cached cams feed the editor's cam layer and cam-threshold brush
 *   (the run picked in the Pseudo-masks tab), or null for none.
 */
export function createChannelBackend(camRun: () => string | null = () => null): ChannelBackend {
  // Reactive, so the view's "started from …" line follows loads and saves.
  const sources = reactive(new Map<string, MaskSource>());
  return {
    sourceOf: (id) => sources.get(id),
    masks: {
      async load(id) {
        const doc = await call('mask:load', { id });
        sources.set(id, doc.source);
        return { width: doc.width, height: doc.height, data: doc.data, classes: doc.classes, palette: doc.palette };
      },
      async save(id, mask) {
        await call('mask:save', { id, width: mask.width, height: mask.height, data: mask.data });
        sources.set(id, 'project');
      },
    },
    reviews: {
      get: (id) => call('project:review', { id }),
      async set(id, review) {
        await call('project:set-review', { id, status: review.status, comment: review.comment });
      },
    },
    cams: {
      // The pseudo-mask cam cache of the chosen run, upsampled to the image (= mask) size. Null when
      // no run is chosen or the image's cams were not generated yet.
      async load(id, classIndex) {
        const runId = camRun();
        if (!runId) return null;
        const { items } = await call('pseudo:cams', { runId, ids: [id] }).catch(() => ({ items: [] }));
        const grid = items[0];
        const k = grid?.classes.indexOf(classIndex) ?? -1;
        if (!grid || k < 0) return null;
        const plane = dequantise({ ...grid, embedding: null })[k]!; // the planes alone (the embedding stays bytes)
        return resizePlanes([plane], grid.width, grid.height, grid.imageWidth, grid.imageHeight)[0]!;
      },
    },
    images: {
      async load(id) {
        // Full resolution: the mask is edited at the image's own size.
        const image = await call('dataset:image', { id, maxSide: 8192 });
        return { encoded: { bytes: image.bytes, mime: image.mime } };
      },
    },
  };
}
