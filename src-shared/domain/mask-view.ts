import { z } from 'zod';
import { Bytes } from './bytes';
import { Rgb } from './dataset';
import { ReviewStatus } from './dataset-view';

/** Where the editor's starting mask came from. */
export const MaskSource = z.enum(['project', 'dataset-gt', 'empty']);
export type MaskSource = z.infer<typeof MaskSource>;

export const MaskDocumentPayload = z.object({
  width: z.number().int(),
  height: z.number().int(),
  data: Bytes,
  classes: z.array(z.string()),
  palette: z.array(Rgb),
  source: MaskSource,
  /** The project revision shown (null when not saved yet). */
  revision: z.number().int().nullable(),
});
export type MaskDocumentPayload = z.infer<typeof MaskDocumentPayload>;

export const MaskSaveInput = z
  .object({
    id: z.string().min(1).max(512),
    width: z.number().int().min(1).max(16384),
    height: z.number().int().min(1).max(16384),
    data: Bytes,
  })
  .strict()
  .refine((m) => m.data.length === m.width * m.height, { message: 'data must hold width×height bytes' });
export type MaskSaveInput = z.infer<typeof MaskSaveInput>;

export const MaskRevisionInfo = z.object({ n: z.number().int(), savedAt: z.string() });

export const ReviewRecordPayload = z.object({ status: ReviewStatus, comment: z.string() });

export const MaskImportResult = z.object({
  imported: z.number().int(),
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
});
export type MaskImportResult = z.infer<typeof MaskImportResult>;
