import { z } from 'zod';

export const ExportFormatName = z.enum(['voc', 'coco', 'labelstudio', 'cvat']);

export const ExportRequest = z
  .object({
    format: ExportFormatName,
    only: z.enum(['accepted', 'all']),
    /** Folder name under <project>/exports/ — a plain name, no path. */
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w.-]+$/, 'letters, digits, "_", "-" and "." only')
      .refine((n) => n !== '.' && n !== '..', 'not a folder name'),
    overwrite: z.boolean().optional(),
  })
  .strict();
export type ExportRequest = z.infer<typeof ExportRequest>;

export const ExportResult = z.object({
  out: z.string(),
  exported: z.number().int(),
  skipped: z.number().int(),
  withoutMask: z.number().int(),
  files: z.number().int(),
  warnings: z.array(z.string()),
  seconds: z.number(),
});
export type ExportResult = z.infer<typeof ExportResult>;

export const ExportProgressEvent = z.object({ done: z.number().int(), total: z.number().int(), phase: z.enum(['item', 'finishing', 'done']) });
