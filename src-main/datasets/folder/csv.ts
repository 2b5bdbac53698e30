/**
 * CSV text → rows of cells, with the 1-based line each row starts on (RFC 4180 quoting: quoted
 * cells, doubled quotes, CRLF, a BOM). Labels files name images and classes, which never hold a
 * line break, so a quote that does not close on its own line is a problem, reported by line, and
 * never allowed to swallow the rows after it:
 *   - a quote that closes on a later line (a quoted line break) → those lines are one broken row,
 *     reported and skipped;
 *   - a quote that never closes → its line is reported and skipped; reading resumes on the next line.
 */

export interface CsvRow {
  cells: string[];
  /** 1-based line the row is on. */
  line: number;
}

export interface CsvTable {
  rows: CsvRow[];
  /** One line each, starting "line N:" or "lines N–M:". */
  problems: string[];
}

interface Scan {
  /** Rows of complete lines. */
  rows: CsvRow[];
  /** Where scanning stopped at a row whose quote spans lines: the row's line and the line its quote closes on (null: never). */
  broken: { line: number; closesOn: number | null; end: number } | null;
}

/** Scan `src` from `start` (the beginning of line `line`) up to the first row whose quote spans lines. */
function scan(src: string, start: number, line: number, delimiter: string): Scan {
  const rows: CsvRow[] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let rowLine = line;
  let spans = false;
  for (let i = start; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n' || ch === '\r') {
          if (ch === '\r' && src[i + 1] === '\n') i++;
          line++;
          spans = true;
        }
        cell += ch;
      }
    } else if (ch === '"' && cell.length === 0) quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      if (spans) return { rows, broken: { line: rowLine, closesOn: line, end: i + 1 } };
      row.push(cell);
      rows.push({ cells: row, line: rowLine });
      row = [];
      cell = '';
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) return { rows, broken: { line: rowLine, closesOn: null, end: src.length } };
  if (spans) return { rows, broken: { line: rowLine, closesOn: line, end: src.length } };
  if (cell.length > 0 || row.length > 0) rows.push({ cells: [...row, cell], line: rowLine });
  return { rows, broken: null };
}

/** The index just past the end of `line` (1-based), counting from `start` on line `from`. */
function endOfLine(src: string, start: number, from: number, line: number): number {
  let at = start;
  for (let l = from; l <= line && at < src.length; l++) {
    while (at < src.length && src[at] !== '\n' && src[at] !== '\r') at++;
    if (src[at] === '\r' && src[at + 1] === '\n') at++;
    at++;
  }
  return Math.min(at, src.length);
}

export function parseCsv(text: string, delimiter: string): CsvTable {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  const problems: string[] = [];
  let start = 0;
  let line = 1;
  for (;;) {
    const { rows: found, broken } = scan(src, start, line, delimiter);
    rows.push(...found);
    if (!broken) return { rows, problems };
    if (broken.closesOn === null) {
      problems.push(`line ${broken.line}: a quote opens here and never closes; line skipped`);
      start = endOfLine(src, start, line, broken.line);
      line = broken.line + 1;
    } else {
      problems.push(`lines ${broken.line}–${broken.closesOn}: a quoted cell holds a line break (image names and labels cannot); row skipped`);
      start = broken.end;
      line = broken.closesOn + 1;
    }
  }
}
