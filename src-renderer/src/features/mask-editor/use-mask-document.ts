/**
 * The editor's document lifecycle, as a composable: open an image (from the in-memory cache or
 * from MaskStorage + ImageSource), wire its session to the store and to autosave, flush the save
 * when leaving it, load the cam of the selected class, and read/write the review.
 */
import { markRaw, shallowRef, watch } from 'vue';
import { useMaskEditorStore } from '../../stores/mask-editor';
import { History } from './history/history';
import { MaskLayer, VOID } from './model/mask-layer';
import { loadEditorImage } from './canvas/image-canvas';
import { DocumentCache, type EditorDocument } from './session/document-cache';
import { DocumentSaver } from './session/document-saver';
import { EditorSession } from './session/editor-session';
import type { MaskEditorBackend, ReviewRecord } from './storage/mask-storage';
import { errorText } from '@shared/envelope';

export interface OpenImage {
  doc: EditorDocument;
  session: EditorSession;
  image: HTMLCanvasElement | null;
}

const message = errorText;

export function useMaskDocument(backend: () => MaskEditorBackend, autosaveMs: () => number, onSaved: (id: string) => void) {
  const store = useMaskEditorStore();
  const cache = new DocumentCache();
  const images = new Map<string, { canvas: HTMLCanvasElement; rgb: NonNullable<EditorSession['image']> } | null>();
  const current = shallowRef<OpenImage | null>(null);
  const cam = shallowRef<Float32Array | null>(null);
  let unsubscribe: (() => void) | null = null;
  let generation = 0;

  function syncStatus(doc: EditorDocument): void {
    const s = doc.saver.current;
    if (current.value?.doc === doc) {
      store.saveState = s.state;
      store.saveError = s.error;
    }
    store.unsavedElsewhere = cache.unsaved().filter((d) => d !== current.value?.doc).length;
    if (s.state === 'saved') onSaved(doc.id);
  }

  async function loadDocument(id: string): Promise<EditorDocument> {
    const cached = cache.get(id);
    if (cached) return cached;
    const stored = await backend().masks.load(id);
    const layer = new MaskLayer(stored.width, stored.height, stored.data);
    const history = new History();
    // The status callback runs only after a save or an edit, by which time `doc` exists.
    const saver = new DocumentSaver(id, layer, history, backend().masks, autosaveMs(), () => syncStatus(doc));
    const doc: EditorDocument = { id, layer, history, saver, classes: stored.classes, palette: stored.palette };
    cache.put(doc);
    return doc;
  }

  async function loadImage(id: string, width: number, height: number): Promise<void> {
    if (images.has(id)) return;
    try {
      images.set(id, await loadEditorImage(await backend().images.load(id), width, height));
    } catch (e) {
      images.set(id, null);
      store.message = `The image could not be shown: ${message(e)}`;
    }
  }

  async function open(id: string): Promise<void> {
    const mine = ++generation;
    store.loading = true;
    store.loadError = null;
    const leaving = current.value;
    try {
      if (leaving && leaving.doc.id !== id) {
        leaving.session.cancel();
        await leaving.doc.saver.flush();
        syncStatus(leaving.doc);
      }
      const doc = await loadDocument(id);
      await loadImage(id, doc.layer.width, doc.layer.height);
      const review = await backend().reviews.get(id).catch((): ReviewRecord => ({ status: 'unreviewed', comment: '' }));
      if (mine !== generation) return;
      const loaded = images.get(id) ?? null;
      const session = markRaw(
        new EditorSession({
          layer: doc.layer,
          history: doc.history,
          image: loaded?.rgb ?? null,
          tool: store.tool,
          options: { classIndex: store.classIndex, brushSize: store.brushSize, floodUseColour: store.floodUseColour, floodTolerance: store.floodTolerance },
        }),
      );
      unsubscribe?.();
      unsubscribe = session.on((e) => {
        if (e.kind === 'history') {
          doc.saver.edited();
          store.canUndo = doc.history.canUndo;
          store.canRedo = doc.history.canRedo;
        } else if (e.kind === 'picked') {
          if (e.value === VOID) store.tool = 'void';
          else store.classIndex = e.value;
        } else if (e.kind === 'message') store.message = e.text;
      });
      current.value = { doc, session, image: loaded?.canvas ?? null };
      store.canUndo = doc.history.canUndo;
      store.canRedo = doc.history.canRedo;
      store.reviewStatus = review.status;
      store.reviewComment = review.comment;
      store.reviewError = null;
      store.message = null;
      syncStatus(doc);
      await refreshCam();
    } catch (e) {
      if (mine === generation) store.loadError = `Could not open "${id}": ${message(e)}`;
    } finally {
      if (mine === generation) store.loading = false;
    }
  }

  async function refreshCam(): Promise<void> {
    const open = current.value;
    const cams = backend().cams;
    const wanted = store.showCam || store.tool === 'cam-brush';
    if (!open || !cams || !wanted) {
      cam.value = null;
      return;
    }
    const classIndex = store.classIndex;
    let values = open.session.cam(classIndex);
    if (!values) {
      try {
        values = await cams.load(open.doc.id, classIndex);
        if (values) open.session.setCam(classIndex, values);
      } catch (e) {
        store.message = `No cam for this class: ${message(e)}`;
      }
    }
    if (current.value === open && store.classIndex === classIndex) cam.value = store.showCam ? values : null;
  }

  watch(() => [store.classIndex, store.showCam, store.tool] as const, () => void refreshCam());
  watch(
    () => [store.tool, store.classIndex, store.brushSize, store.floodUseColour, store.floodTolerance] as const,
    ([tool, classIndex, brushSize, floodUseColour, floodTolerance]) => {
      const session = current.value?.session;
      if (!session) return;
      Object.assign(session.options, { classIndex, brushSize, floodUseColour, floodTolerance });
      session.setTool(tool);
    },
  );

  async function saveReview(review: ReviewRecord): Promise<boolean> {
    const open = current.value;
    if (!open) return false;
    store.reviewSaving = true;
    try {
      await backend().reviews.set(open.doc.id, review);
      store.reviewStatus = review.status;
      store.reviewError = null;
      return true;
    } catch (e) {
      store.reviewError = `The review was not saved: ${message(e)}`;
      return false;
    } finally {
      store.reviewSaving = false;
    }
  }

  /** Saves everything unsaved (current image and earlier failures); true when all is stored. */
  async function flushAll(): Promise<boolean> {
    const results = await Promise.all(cache.unsaved().map((d) => d.saver.flush()));
    if (current.value) syncStatus(current.value.doc);
    return results.every(Boolean);
  }

  function dispose(): void {
    unsubscribe?.();
  }

  return { current, cam, open, flushAll, saveReview, dispose };
}
