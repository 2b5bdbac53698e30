/**
 * On-disk schema of a project folder (see docs/projects.md): `project.json` and the image index
 * `images.json`, each with a schema version. Older versions are migrated step by step (v → v+1)
 * by the hooks in MIGRATIONS; a newer or unknown version is refused with a clear message.
 */
import { z } from 'zod';
import { DatasetFormat, Rgb } from '@shared/domain/dataset';
import { ReviewStatus } from '@shared/domain/dataset-view';

export const PROJECT_SCHEMA_VERSION = 1;
export const PROJECT_FILE = 'project.json';
export const INDEX_FILE = 'images.json';

export const ProjectMeta = z.object({
  schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
  app: z.literal('eader-workbench'),
  name: z.string().min(1),
  createdAt: z.string(),
  /** The dataset, opened read-only: absolute path as picked, and the format found there. */
  dataset: z.object({ path: z.string().min(1), format: DatasetFormat, root: z.string().min(1) }),
  classes: z.array(z.string()).min(1),
  palette: z.array(Rgb),
  /** Free-form settings (training defaults, UI choices), each key owned by its feature. */
  settings: z.record(z.string(), z.unknown()),
});
export type ProjectMeta = z.infer<typeof ProjectMeta>;

/** One image of the project, as the app uses it. */
export interface ProjectImage {
  id: string;
  /** Relative to the dataset root, forward slashes. */
  file: string;
  splits: string[];
  labels: number[];
  width: number | null;
  height: number | null;
  hasGt: boolean;
  review: ReviewStatus;
  comment: string;
  /** ISO time of the last review change, or null. */
  reviewedAt: string | null;
}

/**
 * The index file is columnar-by-row: `rows` are arrays in COLUMNS order, which keeps a 10k-image
 * index near 1 MB and lets JSON.parse do nearly all the work when a project opens.
 */
export const INDEX_COLUMNS = ['id', 'file', 'splits', 'labels', 'width', 'height', 'hasGt', 'review', 'comment', 'reviewedAt'] as const;
export type IndexRow = [string, string, string[], number[], number | null, number | null, 0 | 1, ReviewStatus, string, string | null];

export interface IndexFile {
  schemaVersion: number;
  columns: readonly string[];
  rows: IndexRow[];
}

export class ProjectSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectSchemaError';
  }
}

/** Migration hooks: MIGRATIONS[v] turns a version-v document into version v+1 (none yet). */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;
export const MIGRATIONS: Record<number, { project?: Migration; index?: Migration }> = {};

/** Bring a parsed document to the current version, or say clearly why it cannot be. */
export function migrate(
  doc: unknown,
  kind: 'project' | 'index',
  file: string,
  migrations: Record<number, { project?: Migration; index?: Migration }> = MIGRATIONS,
  target: number = PROJECT_SCHEMA_VERSION,
): { doc: Record<string, unknown>; migratedFrom: number | null } {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ProjectSchemaError(`${file} is not a JSON object`);
  let current = doc as Record<string, unknown>;
  const version = current['schemaVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ProjectSchemaError(`${file} has no valid schemaVersion (found ${JSON.stringify(version)}); it is not an EADER Workbench project file`);
  }
  if (version > target) {
    throw new ProjectSchemaError(
      `${file} has schema version ${version}, written by a newer EADER Workbench; this version reads up to ${target}. Update the app to open this project.`,
    );
  }
  for (let v = version; v < target; v++) {
    const step = migrations[v]?.[kind];
    if (!step) throw new ProjectSchemaError(`${file} has schema version ${v} and no migration to ${v + 1} exists`);
    current = { ...step(current), schemaVersion: v + 1 };
  }
  return { doc: current, migratedFrom: version === target ? null : version };
}

const REVIEWS = new Set<string>(ReviewStatus.options);

/** Check the rows cheaply (a full zod pass over 10k rows costs more than the parse). */
export function checkIndexRows(file: IndexFile, name: string): IndexRow[] {
  if (!Array.isArray(file.rows) || !Array.isArray(file.columns) || file.columns.join() !== INDEX_COLUMNS.join()) {
    throw new ProjectSchemaError(`${name}: unexpected layout (columns ${JSON.stringify(file.columns)})`);
  }
  for (const [i, row] of file.rows.entries()) {
    if (
      !Array.isArray(row) ||
      row.length !== INDEX_COLUMNS.length ||
      typeof row[0] !== 'string' ||
      typeof row[1] !== 'string' ||
      !Array.isArray(row[2]) ||
      !Array.isArray(row[3]) ||
      !REVIEWS.has(row[7])
    ) {
      throw new ProjectSchemaError(`${name}: row ${i} is malformed`);
    }
  }
  return file.rows;
}

export const rowToImage = (r: IndexRow): ProjectImage => ({
  id: r[0],
  file: r[1],
  splits: r[2],
  labels: r[3],
  width: r[4],
  height: r[5],
  hasGt: r[6] === 1,
  review: r[7],
  comment: r[8],
  reviewedAt: r[9],
});

export const imageToRow = (im: ProjectImage): IndexRow => [
  im.id,
  im.file,
  im.splits,
  im.labels,
  im.width,
  im.height,
  im.hasGt ? 1 : 0,
  im.review,
  im.comment,
  im.reviewedAt,
];
