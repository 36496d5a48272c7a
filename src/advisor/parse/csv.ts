/** A small RFC 4180 reader for metric logs: quoted fields, CRLF, and `,`, `;` or tab separators. */
import { AdvisorInputError } from '../types';
import { MAX_POINTS_PER_SERIES, MAX_SERIES } from './log';
import { parseMetricValue, parseMetricValueAt } from './text';

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
 * One row of a CSV file during `forEachCsvRow`, read in place: a cell only becomes a string when asked for, so a
 * file of numbers is read without a string or an array per cell. Valid only during the visit.
 */
export class CsvRowView {
  /** 1-based line number where the row starts (what an editor shows). */
  line = 0;
  /** Number of cells. */
  size = 0;
  private text = '';
  /** Cell bounds in `text` for a plain row; unused when `strings` holds the cells (quoted or `\r`-split rows). */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private strings: string[] | null = null;

  /** Points the view at cells `[starts[i], ends[i])` of `text`. */
  setBounds(text: string, line: number, size: number): void {
    this.text = text;
    this.line = line;
    this.size = size;
    this.strings = null;
  }

  /** Points the view at cells already read as strings. */
  setStrings(cells: string[], line: number): void {
    this.strings = cells;
    this.line = line;
    this.size = cells.length;
  }

  /** Records the bounds of cell `i` (before `setBounds`). */
  bound(i: number, start: number, end: number): void {
    this.starts[i] = start;
    this.ends[i] = end;
  }

  cell(i: number): string {
    return this.strings ? this.strings[i] : this.text.slice(this.starts[i], this.ends[i]);
  }

  /** `parseMetricValue` of cell `i`. */
  value(i: number): number | null | undefined {
    if (this.strings) return parseMetricValue(this.strings[i]);
    return parseMetricValueAt(this.text, this.starts[i], this.ends[i]);
  }

  cells(): string[] {
    return this.strings ?? Array.from({ length: this.size }, (_, i) => this.cell(i));
  }

  /** Whether the row is a header line (`isHeaderRow`), without building its cells when it starts with a number. */
  isHeader(): boolean {
    const first = this.strings ? this.strings[0].charCodeAt(0) : this.text.charCodeAt(this.starts[0]);
    const startsNumeric = (first >= ZERO && first <= NINE) || first === PLUS || first === MINUS || first === DOT;
    return !startsNumeric && isHeaderRow(this.cells());
  }
}

const [ZERO, NINE, PLUS, MINUS, DOT, QUOTE, CR] = ['0', '9', '+', '-', '.', '"', '\r'].map((c) => c.charCodeAt(0));

/**
 * Calls `visit` with each row, in order; blank lines are skipped. Throws too_large past the point or column caps.
 * The row view is reused: copy what must outlive the visit.
 * @example forEachCsvRow('epoch,loss\n0,0.9\n', (row) => console.log(row.line, row.value(1))) // 1 undefined, 2 0.9
 */
export function forEachCsvRow(text: string, visit: (row: CsvRowView) => void): void {
  assertRowCount(text);
  const sep = detectSeparator(text);
  const sepCode = sep.charCodeAt(0);
  const row = new CsvRowView();
  let rowCount = 0;
  const visitRow = (): void => {
    if (row.size > MAX_COLUMNS) {
      const message = `line ${row.line} has ${row.size} columns; at most ${MAX_COLUMNS} are accepted`;
      throw new AdvisorInputError('too_large', message);
    }
    if (++rowCount > MAX_POINTS_PER_SERIES + 1) {
      throw new AdvisorInputError('too_large', `more than ${MAX_POINTS_PER_SERIES} rows`);
    }
    visit(row);
  };
  const visitStrings = (cells: string[], line: number): void => {
    if (cells.length === 1 && cells[0].trim() === '') return;
    row.setStrings(cells, line);
    visitRow();
  };
  let pos = 0;
  let line = 1;
  const n = text.length;
  while (pos < n) {
    let next = text.indexOf('\n', pos);
    if (next === -1) next = n;
    const end = next > pos && text.charCodeAt(next - 1) === CR ? next - 1 : next;
    // fast path: metric logs rarely quote or use lone `\r`s; find the cell bounds in place
    let size = 0;
    let cellStart = pos;
    let at = pos;
    for (; at < end; at++) {
      const c = text.charCodeAt(at);
      if (c === sepCode) {
        row.bound(size++, cellStart, at);
        cellStart = at + 1;
      } else if (c === QUOTE || c === CR) break;
    }
    if (at === end) {
      row.bound(size++, cellStart, end);
      const blank = size === 1 && text.slice(pos, end).trim() === '';
      if (!blank) {
        row.setBounds(text, line, size);
        visitRow();
      }
      pos = next + 1;
      line++;
      continue;
    }
    const raw = text.slice(pos, end);
    if (!raw.includes('"')) {
      // a lone \r (old Mac line ends) also splits rows
      for (const part of raw.split('\r')) visitStrings(part.split(sep), line);
      pos = next + 1;
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
    visitStrings(cells, startLine);
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
  forEachCsvRow(text, (row) => rows.push({ line: row.line, cells: row.cells() }));
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
