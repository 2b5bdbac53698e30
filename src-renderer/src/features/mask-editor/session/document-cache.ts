/**
 * Open masks kept in memory per image, so that an image's history survives leaving it and coming
 * back, and so that an edit whose save failed is never dropped. Least recently used documents go
 * first when the cache holds more than `maxBytes` (mask + history); unsaved ones are never evicted.
 */
import type { History } from '../history/history';
import type { MaskLayer } from '../model/mask-layer';
import type { MaskDocument } from '../storage/mask-storage';
import type { DocumentSaver } from './document-saver';

export interface EditorDocument {
  id: string;
  layer: MaskLayer;
  history: History;
  saver: DocumentSaver;
  classes: MaskDocument['classes'];
  palette: MaskDocument['palette'];
}

export const DEFAULT_CACHE_BYTES = 256 << 20;

export class DocumentCache {
  private readonly docs = new Map<string, EditorDocument>();

  constructor(readonly maxBytes = DEFAULT_CACHE_BYTES) {}

  get(id: string): EditorDocument | undefined {
    const doc = this.docs.get(id);
    if (doc) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.docs.delete(id);
      this.docs.set(id, doc);
    }
    return doc;
  }

  put(doc: EditorDocument): void {
    this.docs.delete(doc.id);
    this.docs.set(doc.id, doc);
    this.evict(doc.id);
  }

  get bytes(): number {
    let total = 0;
    for (const doc of this.docs.values()) total += doc.layer.memoryBytes + doc.history.bytes;
    return total;
  }

  get size(): number {
    return this.docs.size;
  }

  /** Documents with edits not yet stored. */
  unsaved(): EditorDocument[] {
    return [...this.docs.values()].filter((d) => d.saver.dirty);
  }

  private evict(keep: string): void {
    for (const [id, doc] of this.docs) {
      if (this.bytes <= this.maxBytes) return;
      if (id === keep || doc.saver.dirty) continue;
      doc.saver.dispose();
      this.docs.delete(id);
    }
  }
}
