/**
 * What the mask editor needs from the rest of the app, as interfaces. The main side (project mask
 * store with atomic indexed-PNG saves, revisions, review status) implements them over channels;
 * memory-backend.ts implements them in memory for tests and the standalone demo.
 */
import type { RgbImage } from '@shared/domain/dataset';
import type { ReviewStatus } from '@shared/domain/dataset-view';

export type Rgb = readonly [number, number, number];

/** A class-index mask with the class names and colours it is drawn with. */
export interface MaskDocument {
  width: number;
  height: number;
  /** [H*W] class indices; 0 = background, 255 = void. */
  data: Uint8Array;
  /** classes[0] is "background". */
  classes: readonly string[];
  /** One colour per class index. */
  palette: readonly Rgb[];
}

export interface MaskPixels {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface MaskStorage {
  /** Rejects with an Error whose message is shown to the user. */
  load(id: string): Promise<MaskDocument>;
  /**
   * Persists the mask (the editor passes a private copy it will not touch again). Must reject on
   * failure — the editor then keeps the edit in memory, shows the message and retries later.
   */
  save(id: string, mask: MaskPixels): Promise<void>;
}

export interface ReviewRecord {
  status: ReviewStatus;
  comment: string;
}

export interface ReviewStorage {
  get(id: string): Promise<ReviewRecord>;
  set(id: string, review: ReviewRecord): Promise<void>;
}

/** The picture under the mask: raw RGB, or encoded bytes the renderer decodes (scaled to the mask size). */
export type EditorImage = { rgb: RgbImage } | { encoded: { bytes: Uint8Array; mime: string } };

export interface ImageSource {
  load(id: string): Promise<EditorImage>;
}

export interface CamSource {
  /** [H*W] in [0, 1] for the class, or null when there is none (e.g. no run yet). */
  load(id: string, classIndex: number): Promise<Float32Array | null>;
}

export interface MaskEditorBackend {
  masks: MaskStorage;
  reviews: ReviewStorage;
  images: ImageSource;
  cams?: CamSource;
}
