import { z } from 'zod';
import { ReviewStatus } from './dataset-view';

export const ProjectInfo = z.object({
  dir: z.string(),
  name: z.string(),
  datasetPath: z.string(),
  imageCount: z.number().int(),
  reviewed: z.record(ReviewStatus, z.number().int()),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

export const ReviewUpdate = z
  .object({ id: z.string().min(1).max(512), status: ReviewStatus, comment: z.string().max(4000).optional() })
  .strict();
export type ReviewUpdate = z.infer<typeof ReviewUpdate>;

export const ThumbProgress = z.object({ done: z.number().int(), total: z.number().int(), failed: z.number().int(), finished: z.boolean() });
export type ThumbProgress = z.infer<typeof ThumbProgress>;
