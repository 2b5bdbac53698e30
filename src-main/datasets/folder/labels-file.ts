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
 * An empty labels cell means "background only". Rows that cannot be read are issues and skipped.
 */
import type { DatasetIssue } from '@shared/domain/dataset';

export interface LabelRow {
  /** The image as written (a path relative to the images folder, extension optional). */
  image: string;
  labels: string[];
  /** 1-based line (CSV) or entry index (JSON), for issues. */
  where: string;
}

export interface LabelsFile {
  rows: LabelRow[];
  /** Classes the file itself declares (one-hot header, JSON "classes"), in order; else null. */
  declaredClasses: string[] | null;
  issues: DatasetIssue[];
}

const HEADER_FIRST_CELLS = new Set(['image', 'file', 'filename', 'file_name', 'path', 'name', 'id', 'image_id']);

export const splitLabels = (cell: string): string[] =>
  cell
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Split CSV text into rows of cells (quotes, doubled quotes, CRLF, a BOM). */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.length === 0) quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell.length > 0 || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export function parseLabelsCsv(text: string, file: string): LabelsFile {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const table = parseCsv(text, delimiter).map((cells) => cells.map((c) => c.trim()));
  const issues: DatasetIssue[] = [];
  const header = table[0] && HEADER_FIRST_CELLS.has((table[0][0] ?? '').toLowerCase()) ? table[0] : null;
  const body = table.slice(header ? 1 : 0).map((cells, i) => ({ cells, line: i + (header ? 2 : 1) }));
  const data = body.filter(({ cells }) => cells.some((c) => c.length > 0));

  const classColumns = header ? header.slice(1) : [];
  const oneHot =
    header !== null &&
    classColumns.length >= 2 &&
    classColumns.every((name) => name.length > 0 && !/^labels?$|^classes$/i.test(name)) &&
    data.every(({ cells }) => cells.slice(1).every((c) => c === '' || c === '0' || c === '1'));

  const rows: LabelRow[] = [];
  for (const { cells, line } of data) {
    const image = cells[0] ?? '';
    if (image === '') {
      issues.push({ file, reason: `line ${line}: no image name; skipped` });
      continue;
    }
    const labels = oneHot ? classColumns.filter((_, k) => cells[k + 1] === '1') : cells.slice(1).flatMap(splitLabels);
    rows.push({ image, labels, where: `line ${line}` });
  }
  return { rows, declaredClasses: oneHot ? classColumns : null, issues };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function labelsOf(value: unknown): string[] | null {
  if (typeof value === 'string') return splitLabels(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.flatMap((v: string) => splitLabels(v));
  if (value === null || value === undefined) return [];
  return null;
}

export function parseLabelsJson(text: string, file: string): LabelsFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message})`);
  }
  const issues: DatasetIssue[] = [];
  const rows: LabelRow[] = [];
  let declaredClasses: string[] | null = null;
  let entries: unknown[] | null = null;
  if (Array.isArray(data)) entries = data;
  else if (isObject(data) && Array.isArray(data['images'])) {
    entries = data['images'];
    const classes = data['classes'];
    if (Array.isArray(classes) && classes.every((c) => typeof c === 'string')) declaredClasses = classes.map((c: string) => c.trim());
    else if (classes !== undefined) issues.push({ file, reason: '"classes" is not a list of names; ignored' });
  }
  if (entries) {
    for (const [i, entry] of entries.entries()) {
      const image = isObject(entry) ? (entry['image'] ?? entry['file'] ?? entry['file_name']) : undefined;
      const labels = isObject(entry) ? labelsOf(entry['labels'] ?? entry['label'] ?? entry['classes']) : null;
      if (typeof image !== 'string' || image.trim() === '' || labels === null) {
        issues.push({ file, reason: `entry ${i}: needs "image" and "labels" (a list or a ;/| separated string); skipped` });
        continue;
      }
      rows.push({ image: image.trim(), labels, where: `entry ${i}` });
    }
  } else if (isObject(data)) {
    for (const [image, value] of Object.entries(data)) {
      const labels = labelsOf(value);
      if (labels === null) issues.push({ file, reason: `"${image}": labels must be a list or a ;/| separated string; skipped` });
      else rows.push({ image: image.trim(), labels, where: `"${image}"` });
    }
  } else throw new Error(`${file} must hold an object (image → labels) or a list of {image, labels}`);
  return { rows, declaredClasses, issues };
}
