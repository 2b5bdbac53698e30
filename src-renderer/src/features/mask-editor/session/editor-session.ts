/**
 * One image open in the editor, with no DOM: the mask layer, its history, the tool set and the
 * options. Pointer gestures go through here so that every gesture is recorded as one history
 * command. Listeners hear about every change (the canvas redraws the layer's dirty rect; the panel
 * updates undo/redo and saved state).
 */
import type { RgbImage } from '@shared/domain/dataset';
import { History } from '../history/history';
import { MaskLayer } from '../model/mask-layer';
import type { Point } from '../model/rect';
import { computeSlic, type SuperpixelMap } from '../model/slic';
import { createTools, DEFAULT_TOOL_OPTIONS, type MaskTool, type ToolContext, type ToolEffect, type ToolId, type ToolOptions } from '../tools';

export type SessionEvent =
  | { kind: 'edit' } // pixels changed by a tool (stroke in progress or finished)
  | { kind: 'history' } // a command was pushed, undone or redone
  | { kind: 'picked'; value: number }
  | { kind: 'message'; text: string }
  | { kind: 'tool' };

export interface SessionInit {
  layer: MaskLayer;
  history?: History;
  image?: RgbImage | null;
  options?: Partial<ToolOptions>;
  tool?: ToolId;
}

export class EditorSession {
  readonly layer: MaskLayer;
  readonly history: History;
  readonly tools: Record<ToolId, MaskTool> = createTools();
  readonly options: ToolOptions;
  image: RgbImage | null;
  private cams = new Map<number, Float32Array>();
  private superpixelMap: SuperpixelMap | null = null;
  private toolId: ToolId;
  private gesture = false;
  private readonly listeners = new Set<(e: SessionEvent) => void>();

  constructor(init: SessionInit) {
    this.layer = init.layer;
    this.history = init.history ?? new History();
    this.image = init.image ?? null;
    this.options = { ...DEFAULT_TOOL_OPTIONS, ...init.options };
    this.toolId = init.tool ?? 'brush';
  }

  get tool(): MaskTool {
    return this.tools[this.toolId];
  }

  get toolName(): ToolId {
    return this.toolId;
  }

  get busy(): boolean {
    return this.gesture;
  }

  on(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setTool(id: ToolId): void {
    if (id === this.toolId) return;
    this.endGesture(true);
    this.toolId = id;
    this.emit({ kind: 'tool' });
  }

  setCam(classIndex: number, cam: Float32Array | null): void {
    if (cam && cam.length !== this.layer.width * this.layer.height) throw new Error('cam size does not match the mask');
    if (cam) this.cams.set(classIndex, cam);
    else this.cams.delete(classIndex);
  }

  cam(classIndex: number): Float32Array | null {
    return this.cams.get(classIndex) ?? null;
  }

  /** SLIC superpixels of the image, computed on first call. */
  superpixels(): SuperpixelMap | null {
    if (!this.image) return null;
    this.superpixelMap ??= computeSlic(this.image);
    return this.superpixelMap;
  }

  pointerDown(p: Point): void {
    if (!this.gesture) {
      this.layer.beginRecording();
      this.gesture = true;
    }
    this.run((tool, ctx) => tool.down(ctx, p));
  }

  pointerMove(p: Point): void {
    if (this.gesture) this.run((tool, ctx) => tool.move(ctx, p));
  }

  pointerUp(p: Point): void {
    if (this.gesture) this.run((tool, ctx) => tool.up(ctx, p));
  }

  /** Enter: finishes a multi-click gesture (closes the polygon). */
  commit(): void {
    if (this.gesture) this.run((tool, ctx) => tool.commit?.(ctx) ?? { done: false });
  }

  /** Escape: drops an unfinished multi-click gesture; a stroke in progress is kept. */
  cancel(): void {
    this.endGesture(true);
  }

  undo(): void {
    this.endGesture(true);
    if (this.history.undo(this.layer)) this.emit({ kind: 'history' });
  }

  redo(): void {
    this.endGesture(true);
    if (this.history.redo(this.layer)) this.emit({ kind: 'history' });
  }

  /** Vertices of an unfinished polygon, for the overlay. */
  preview(): readonly Point[] {
    return this.gesture ? (this.tool.preview?.() ?? []) : [];
  }

  private context(): ToolContext {
    return {
      layer: this.layer,
      options: this.options,
      image: this.image,
      cam: this.cam(this.options.classIndex),
      superpixels: () => this.superpixels(),
    };
  }

  private run(step: (tool: MaskTool, ctx: ToolContext) => ToolEffect): void {
    const writesBefore = this.layer.writes;
    const effect = step(this.tool, this.context());
    if (effect.message) this.emit({ kind: 'message', text: effect.message });
    if (effect.picked !== undefined) this.emit({ kind: 'picked', value: effect.picked });
    if (this.layer.writes !== writesBefore) this.emit({ kind: 'edit' });
    if (effect.done) this.endGesture(false);
  }

  /** Closes the recording; whatever really changed becomes one history command. */
  private endGesture(cancelTool: boolean): void {
    if (!this.gesture) return;
    if (cancelTool) this.tool.cancel?.();
    this.gesture = false;
    const patch = this.layer.endRecording();
    if (patch) {
      this.history.push(patch, this.tool.label);
      this.emit({ kind: 'history' });
    }
  }

  private emit(e: SessionEvent): void {
    for (const listener of this.listeners) listener(e);
  }
}
