/**
 * UI state of the mask editor: the chosen tool and its options, view settings, and what the panel
 * shows (saved state, undo/redo availability, review draft). No Konva nodes and no mask bytes live
 * here — the open session is held by the editor component (markRaw).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ReviewStatus } from '@shared/domain/dataset-view';
import type { SaveState } from '../features/mask-editor/session/document-saver';
import type { ToolId } from '../features/mask-editor/tools/tool';
import { DEFAULT_TOOL_OPTIONS } from '../features/mask-editor/tools/tool';

export const useMaskEditorStore = defineStore('mask-editor', () => {
  const tool = ref<ToolId>('brush');
  const classIndex = ref(DEFAULT_TOOL_OPTIONS.classIndex);
  const brushSize = ref(DEFAULT_TOOL_OPTIONS.brushSize);
  const floodUseColour = ref(DEFAULT_TOOL_OPTIONS.floodUseColour);
  const floodTolerance = ref(DEFAULT_TOOL_OPTIONS.floodTolerance);
  const opacity = ref(0.55);
  const showMask = ref(true);
  const showCam = ref(false);
  const camOpacity = ref(0.5);
  /** View scale (1 = one image pixel per screen pixel). */
  const zoom = ref(1);

  const loading = ref(false);
  const loadError = ref<string | null>(null);
  const saveState = ref<SaveState>('saved');
  const saveError = ref<string | null>(null);
  /** Other images whose edits are not stored yet (their save failed). */
  const unsavedElsewhere = ref(0);
  const canUndo = ref(false);
  const canRedo = ref(false);
  /** The last thing a tool had to say (e.g. "needs a cam"). */
  const message = ref<string | null>(null);

  const reviewStatus = ref<ReviewStatus>('unreviewed');
  const reviewComment = ref('');
  const reviewError = ref<string | null>(null);
  const reviewSaving = ref(false);

  return {
    tool, classIndex, brushSize, floodUseColour, floodTolerance, opacity, showMask, showCam, camOpacity, zoom,
    loading, loadError, saveState, saveError, unsavedElsewhere, canUndo, canRedo, message,
    reviewStatus, reviewComment, reviewError, reviewSaving,
  };
});
