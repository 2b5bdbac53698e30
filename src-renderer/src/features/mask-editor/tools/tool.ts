/**
 * The one interface every mask tool implements (one tool per file, after CVAT / Label Studio).
 * Pointer events arrive in image coordinates (pixels, fractional). A tool writes into the layer
 * through `layer.touch(rect)` + direct writes; the session wraps each gesture in one recording, so
 * one stroke or one fill becomes exactly one history command.
 */
import type { RgbImage } from '@shared/domain/dataset';
import type { MaskLayer } from '../model/mask-layer';
import type { Point } from '../model/rect';
import type { SuperpixelMap } from '../model/slic';

export type ToolId = 'brush' | 'eraser' | 'void' | 'polygon' | 'flood' | 'cam-brush' | 'superpixel' | 'picker';

export interface ToolOptions {
  /** The class painted by brush, polygon, flood, cam brush and superpixel fill (0..254). */
  classIndex: number;
  /** Brush diameter in image pixels (brush, eraser, void, cam brush). */
  brushSize: number;
  /** Flood fill: also require the image colour to stay within `floodTolerance` of the seed's. */
  floodUseColour: boolean;
  /** Largest per-channel difference (0..255) from the seed colour that flood fill still enters. */
  floodTolerance: number;
  /** Cam brush: a pixel is painted when cam > max(camFloor, camRatio × the brush's local cam max). */
  camRatio: number;
  camFloor: number;
  /** Polygon: a click this close (image pixels) to the first vertex closes the polygon. */
  closeDistance: number;
}

export const DEFAULT_TOOL_OPTIONS: ToolOptions = {
  classIndex: 1,
  brushSize: 15,
  floodUseColour: false,
  floodTolerance: 24,
  camRatio: 0.5,
  camFloor: 0.15,
  closeDistance: 6,
};

export interface ToolContext {
  layer: MaskLayer;
  options: ToolOptions;
  /** The RGB image under the mask, same size, when the editor has it. */
  image: RgbImage | null;
  /** The cam of the selected class, [H*W] in [0, 1], when the editor has it. */
  cam: Float32Array | null;
  /** SLIC superpixels of `image`, computed on first use and then cached for the image. */
  superpixels: () => SuperpixelMap | null;
}

export interface ToolEffect {
  /** The gesture is over: the session closes the recording and pushes one history command. */
  done: boolean;
  /** Eyedropper result: the class index under the pointer (255 = void). */
  picked?: number;
  /** A plain sentence for the user when the tool could not act (e.g. no cam for this class). */
  message?: string;
}

export const CONTINUE: ToolEffect = Object.freeze({ done: false });
export const DONE: ToolEffect = Object.freeze({ done: true });

export interface MaskTool {
  readonly id: ToolId;
  readonly label: string;
  /** The key that selects the tool (see keymap.ts). */
  readonly shortcut: string;
  /** Whether the canvas shows a round brush cursor of `brushSize`. */
  readonly usesBrush: boolean;
  down(ctx: ToolContext, p: Point): ToolEffect;
  move(ctx: ToolContext, p: Point): ToolEffect;
  up(ctx: ToolContext, p: Point): ToolEffect;
  /** Enter: finish a multi-click gesture (polygon). */
  commit?(ctx: ToolContext): ToolEffect;
  /** Escape or tool switch: drop an unfinished gesture without writing. */
  cancel?(): void;
  /** Vertices of an unfinished gesture, for the overlay. */
  preview?(): readonly Point[];
}
