/**
 * The labels file of a labelled folder: `labels.csv` or `labels.json`. Accepted forms:
 *
 * CSV (comma-separated, RFC 4180 quoting; a tab-separated file is accepted when its first line has
 * tabs and no commas). An optional header row is recognised by its first cell: image, file, filename,
 * file_name, path, name or id.
 *   1. `image,labels` — labels in one cell, separated by `;` or `|`:   `a.jpg,cat;dog`
 *   2. labels in further columns, one per cell (cells may also hold `;`/`|` lists): `a.jpg,cat,dog`
 *   3. one-hot: a header whose further columns are class names, and only 0/1 (or empty) below:
 *      `image,cat,dog` / `a.jpg,1,0`. The header's column order is the first-seen class order.
 * JSON:
 *   1. an object mapping image → labels: `{"a.jpg": ["cat", "dog"], "b.jpg": "cat|dog"}`
 *   2. an array of rows: `[{"image": "a.jpg", "labels": ["cat"]}]` (keys image|file|file_name and
 *      labels|label|classes; labels as a list or a `;`/`|` string)
 *   3. `{"classes": ["cat", "dog"], "images": [rows as in 2]}` — an inline class list.
 * Splits: a header column named `split` (or `splits`, `subset`) in any CSV form, and a `split`
 * field (a name or a list) in the JSON rows and in `{"a.jpg": {"labels": […], "split": "val"}}`,
 * put each image in its splits (`train;trainval` for several). Without one, every image is in the
 * split `all`. A row without a split in a file that has them is in no split (reported).
 * An empty labels cell means "background only". Rows that cannot be read are issues and skipped.
 */
import type { DatasetIssue } from '@shared/domain/dataset';
import { parseCsv } from './csv';

export interface LabelRow {
  /** The image as written (a path relative to the images folder, extension optional). */
  image: string;
  labels: string[];
  /** The splits the row names; null when the file has no split column or field. */
  splits: string[] | null;
  /** 1-based line (CSV) or entry index (JSON), for issues. */
  where: string;
}

export interface LabelsFile {
  rows: LabelRow[];
  /** Classes the file itself declares (one-hot header, JSON "classes"), in order; else null. */
  declaredClasses: string[] | null;
  /** The file names splits (a split column, or split fields): images without one are in no split. */
  hasSplits: boolean;
  issues: DatasetIssue[];
}

const HEADER_FIRST_CELLS = new Set(['image', 'file', 'filename', 'file_name', 'path', 'name', 'id', 'image_id']);

export const splitLabels = (cell: string): string[] =>
  cell
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** A split column: its header cell. */
const SPLIT_COLUMN = /^(split|splits|subset)$/i;
/** Split names as the app and CLI take them (a `--split` value, a query field). */
const SPLIT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The splits a cell or field names (`train`, `train;trainval`), checked; bad names are reported
 * through `issue` and dropped. An empty value → no split (reported: the image is then in none).
 */
function splitsOf(value: string[], where: string, issue: (reason: string) => void): string[] {
  const names = value.flatMap(splitLabels);
  const good = names.filter((n) => SPLIT_NAME.test(n));
  for (const bad of names.filter((n) => !SPLIT_NAME.test(n))) issue(`${where}: split "${bad}" is not a usable name (letters, digits, . _ -; at most 64); dropped`);
  if (names.length === 0) issue(`${where}: no split given; the image is in no split (shown, never trained on or scored)`);
  return [...new Set(good)];
}

export function parseLabelsCsv(text: string, file: string): LabelsFile {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const csv = parseCsv(text, delimiter);
  const issues: DatasetIssue[] = csv.problems.map((reason) => ({ file, reason }));
  const table = csv.rows.map(({ cells, line }) => ({ cells: cells.map((c) => c.trim()), line }));
  const header = table[0] && HEADER_FIRST_CELLS.has((table[0].cells[0] ?? '').toLowerCase()) ? table[0].cells : null;
  const data = table.slice(header ? 1 : 0).filter(({ cells }) => cells.some((c) => c.length > 0));

  const splitColumn = header ? header.findIndex((name, k) => k > 0 && SPLIT_COLUMN.test(name)) : -1;
  const labelColumns = (cells: string[]): string[] => cells.slice(1).filter((_, k) => k + 1 !== splitColumn);
  const classColumns = header ? labelColumns(header) : [];
  const oneHot =
    header !== null &&
    classColumns.length >= 2 &&
    classColumns.every((name) => name.length > 0 && !/^labels?$|^classes$/i.test(name)) &&
    data.every(({ cells }) => labelColumns(cells).every((c) => c === '' || c === '0' || c === '1'));

  const rows: LabelRow[] = [];
  for (const { cells, line } of data) {
    const image = cells[0] ?? '';
    if (image === '') {
      issues.push({ file, reason: `line ${line}: no image name; skipped` });
      continue;
    }
    const values = labelColumns(cells);
    const labels = oneHot ? classColumns.filter((_, k) => values[k] === '1') : values.flatMap(splitLabels);
    const splits = splitColumn > 0 ? splitsOf([cells[splitColumn] ?? ''], `line ${line}`, (reason) => issues.push({ file, reason })) : null;
    rows.push({ image, labels, splits, where: `line ${line}` });
  }
  return { rows, declaredClasses: oneHot ? classColumns : null, hasSplits: splitColumn > 0, issues };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function labelsOf(value: unknown): string[] | null {
  if (typeof value === 'string') return splitLabels(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.flatMap((v: string) => splitLabels(v));
  if (value === null || value === undefined) return [];
  return null;
}

/** A JSON split field (`"split": "train"` or a list), or null when the entry has none. */
function splitField(entry: Json, where: string, issue: (reason: string) => void): string[] | null {
  const value = entry['split'] ?? entry['splits'] ?? entry['subset'];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return splitsOf([value], where, issue);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return splitsOf(value, where, issue);
  issue(`${where}: "split" must be a name or a list of names; the image is in no split`);
  return [];
}

export function parseLabelsJson(text: string, file: string): LabelsFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message})`);
  }
  const issues: DatasetIssue[] = [];
  const issue = (reason: string): void => void issues.push({ file, reason });
  const rows: LabelRow[] = [];
  let declaredClasses: string[] | null = null;
  let entries: unknown[] | null = null;
  if (Array.isArray(data)) entries = data;
  else if (isObject(data) && Array.isArray(data['images'])) {
    entries = data['images'];
    const classes = data['classes'];
    if (Array.isArray(classes) && classes.every((c) => typeof c === 'string')) declaredClasses = classes.map((c: string) => c.trim());
    else if (classes !== undefined) issue('"classes" is not a list of names; ignored');
  }
  if (entries) {
    for (const [i, entry] of entries.entries()) {
      const image = isObject(entry) ? (entry['image'] ?? entry['file'] ?? entry['file_name']) : undefined;
      const labels = isObject(entry) ? labelsOf(entry['labels'] ?? entry['label'] ?? entry['classes']) : null;
      if (!isObject(entry) || typeof image !== 'string' || image.trim() === '' || labels === null) {
        issue(`entry ${i}: needs "image" and "labels" (a list or a ;/| separated string); skipped`);
        continue;
      }
      rows.push({ image: image.trim(), labels, splits: splitField(entry, `entry ${i}`, issue), where: `entry ${i}` });
    }
  } else if (isObject(data)) {
    for (const [image, value] of Object.entries(data)) {
      const where = `"${image}"`;
      // "a.jpg": labels, or "a.jpg": {"labels": …, "split": …}
      const labels = labelsOf(isObject(value) ? value['labels'] : value);
      if (labels === null) issue(`${where}: labels must be a list or a ;/| separated string; skipped`);
      else rows.push({ image: image.trim(), labels, splits: isObject(value) ? splitField(value, where, issue) : null, where });
    }
  } else throw new Error(`${file} must hold an object (image → labels) or a list of {image, labels}`);
  const hasSplits = rows.some((r) => r.splits !== null);
  if (hasSplits) {
    for (const row of rows.filter((r) => r.splits === null)) {
      issue(`${row.where}: no split given; the image is in no split (shown, never trained on or scored)`);
      row.splits = [];
    }
  }
  return { rows, declaredClasses, hasSplits, issues };
}
