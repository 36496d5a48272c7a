/** A small RFC 4180 reader for metric logs: quoted fields, CRLF, and `,`, `;` or tab separators. */
import { AdvisorInputError } from '../types';
import { MAX_POINTS_PER_SERIES, MAX_SERIES } from './log';

export interface CsvRow {
  /** 1-based line number where the row starts (what an editor shows). */
  line: number;
  cells: string[];
}

/** Picks the separator from the header line: the one that splits it into the most fields. */
function detectSeparator(text: string): string {
  const start = text.trimStart();
  const end = start.search(/\r|\n/);
  const firstLine = end === -1 ? start : start.slice(0, end);
  let best = ',';
  let bestCount = 0;
  for (const sep of [',', ';', '\t']) {
    const count = firstLine.split(sep).length;
    if (count > bestCount) {
      best = sep;
      bestCount = count;
    }
  }
  return best;
}

/** Columns a metric log may have: the series cap plus a few index columns. */
const MAX_COLUMNS = MAX_SERIES + 10;

/** Counts non-empty lines before splitting anything, so an oversized file is refused without building its rows. */
function assertRowCount(text: string): void {
  let lines = 0;
  for (let pos = 0; pos < text.length; ) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    if (end > pos && text[pos] !== '\r') lines++;
    pos = end + 1;
  }
  if (lines > MAX_POINTS_PER_SERIES + 1) throw new AdvisorInputError('too_large', `more than ${MAX_POINTS_PER_SERIES} rows`);
}

/**
 * Calls `visit` with each row's cells, in order; blank lines are skipped. Throws too_large past the point or
 * column caps. Rows are not kept, so a large file costs no per-row memory beyond what the caller stores.
 * @example forEachCsvRow('epoch,loss\n0,0.9\n', (cells, line) => console.log(line, cells)) // 1 ['epoch','loss'], 2 ['0','0.9']
 */
export function forEachCsvRow(text: string, visit: (cells: string[], line: number) => void): void {
  assertRowCount(text);
  const sep = detectSeparator(text);
  let rowCount = 0;
  const push = (cells: string[], line: number): void => {
    if (cells.length === 1 && cells[0].trim() === '') return;
    if (cells.length > MAX_COLUMNS) {
      const count = cells.length;
      throw new AdvisorInputError('too_large', `line ${line} has ${count} columns; at most ${MAX_COLUMNS} are accepted`);
    }
    if (++rowCount > MAX_POINTS_PER_SERIES + 1) {
      throw new AdvisorInputError('too_large', `more than ${MAX_POINTS_PER_SERIES} rows`);
    }
    visit(cells, line);
  };
  let pos = 0;
  let line = 1;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = n;
    const raw = text.slice(pos, end > pos && text[end - 1] === '\r' ? end - 1 : end);
    if (!raw.includes('"')) {
      // fast path: metric logs rarely quote; a lone \r (old Mac line ends) also splits rows
      if (raw.includes('\r')) for (const part of raw.split('\r')) push(part.split(sep), line);
      else push(raw.split(sep), line);
      pos = end + 1;
      line++;
      continue;
    }
    // slow path: quoted fields, which may span lines
    const startLine = line;
    const cells: string[] = [];
    let cell = '';
    let i = pos;
    while (i < n) {
      const c = text[i];
      if (c === '"' && cell.trim() === '') {
        i++;
        let value = '';
        while (i < n) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            value += text.slice(i);
            i = n;
            break;
          }
          const chunk = text.slice(i, q);
          for (let k = chunk.indexOf('\n'); k !== -1; k = chunk.indexOf('\n', k + 1)) line++;
          value += chunk;
          if (text[q + 1] === '"') {
            value += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        cell = value;
      } else if (c === sep) {
        cells.push(cell);
        cell = '';
        if (cells.length > MAX_COLUMNS) {
          throw new AdvisorInputError('too_large', `line ${startLine} has more than ${MAX_COLUMNS} columns`);
        }
        i++;
      } else if (c === '\n' || c === '\r') {
        break;
      } else {
        cell += c;
        i++;
      }
    }
    cells.push(cell);
    push(cells, startLine);
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    pos = i + 1;
    line++;
  }
}

/**
 * Splits CSV text into rows of cells; blank lines are skipped. Throws too_large past the point or column caps.
 * @example readCsv('epoch,loss\n0,0.9\n') // [{line:1, cells:['epoch','loss']}, {line:2, cells:['0','0.9']}]
 */
export function readCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  forEachCsvRow(text, (cells, line) => rows.push({ line, cells }));
  return rows;
}

/** Whether a header cell is a plausible column name (not a number, not code or prose). */
export function isColumnName(cell: string): boolean {
  return /^[A-Za-z_][\w./\- ()@:%-]*$/.test(cell.trim()) && cell.trim().length <= 120;
}

/** Whether a row looks like a header line: every cell a column name, none of them a bare `nan`/`inf`. */
export function isHeaderRow(cells: string[]): boolean {
  return (
    cells.length >= 1 &&
    cells.every((c) => isColumnName(c) && !/^[+-]?(nan|inf|infinity|null|none)$/i.test(c.trim()))
  );
}
