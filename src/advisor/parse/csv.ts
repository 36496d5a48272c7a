/** A small RFC 4180 reader for metric logs: quoted fields, CRLF, and `,`, `;` or tab separators. */
import { AdvisorInputError } from '../types';
import { MAX_POINTS_PER_SERIES, MAX_SERIES } from './log';
import { decodeText, parseMetricValue, PlainDecimalReader, textChunks } from './text';

const [ZERO, NINE, PLUS, MINUS, DOT, QUOTE, CR] = ['0', '9', '+', '-', '.', '"', '\r'].map((c) => c.charCodeAt(0));

export interface CsvRow {
  /** 1-based line number where the row starts (what an editor shows). */
  line: number;
  cells: string[];
}

/** Picks the separator from the header line (the first non-blank one): the one that splits it into the most fields. */
function detectSeparator(chunks: Iterable<string>): string {
  let firstLine = '';
  for (const chunk of chunks) {
    const start = chunk.trimStart();
    if (start === '') continue; // pieces end at line breaks: the header line is whole in the first non-blank one
    const end = start.search(/\r|\n/);
    firstLine = end === -1 ? start : start.slice(0, end);
    break;
  }
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

/** Non-empty lines of a text (or piece of text ending at a line break): at most one row each, bar lone `\r`s. */
function countLines(text: string): number {
  let lines = 0;
  for (let pos = 0; pos < text.length; ) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    if (end > pos && text.charCodeAt(pos) !== CR) lines++;
    pos = end + 1;
  }
  return lines;
}

/** Refuses a file of more lines than a series may hold. */
function assertLineCount(lines: number): void {
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
  /** Each cell's value when it is a plain decimal, read while its bounds were found; NaN for any other cell. */
  private readonly numbers: number[] = [];
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

  /** Records the bounds of cell `i` and its value as a plain decimal, or NaN (before `setBounds`). */
  bound(i: number, start: number, end: number, number: number): void {
    this.starts[i] = start;
    this.ends[i] = end;
    this.numbers[i] = number;
  }

  cell(i: number): string {
    return this.strings ? this.strings[i] : this.text.slice(this.starts[i], this.ends[i]);
  }

  /** `parseMetricValue` of cell `i`. */
  value(i: number): number | null | undefined {
    if (this.strings) return parseMetricValue(this.strings[i]);
    const start = this.starts[i];
    const end = this.ends[i];
    if (start === end) return null; // an empty cell, as sparse logs have many
    const number = this.numbers[i];
    return Number.isNaN(number) ? parseMetricValue(this.text.slice(start, end)) : number;
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

/**
 * Calls `visit` with each row, in order; blank lines are skipped. Throws too_large past the point or column caps.
 * `chunks` is the text in pieces that end at line breaks (`csvChunks`); a quoted cell may hold a line break, so text
 * with quotes comes as one piece. The row view is reused: copy what must outlive the visit.
 * @example forEachCsvRow(['epoch,loss\n0,0.9\n'], (row) => console.log(row.line, row.value(1))) // 1 undefined, 2 0.9
 */
export function forEachCsvRow(chunks: Iterable<string>, visit: (row: CsvRowView) => void): void {
  let reader: CsvReader | undefined;
  let lines = 0;
  try {
    for (const text of chunks) {
      // an oversized file is refused as soon as its lines say so, before the rows of this piece are built
      lines += countLines(text);
      assertLineCount(lines);
      reader ??= new CsvReader(detectSeparator(chunks), visit);
      reader.read(text);
    }
  } catch (err) {
    // whatever went wrong first, a file of too many lines is too large (as if they had all been counted first)
    let all = 0;
    for (const text of chunks) all += countLines(text);
    assertLineCount(all);
    throw err;
  }
}

/**
 * Rows whose cell count differs from their header's. A longer row is an error; a shorter one is forgiven only as the
 * file's last line (cut off mid-write), which is known when the next row comes (`settle`) or the file ends
 * (`lastLineWarning`).
 */
export class RowWidths {
  private short: { line: number; count: number; width: number } | null = null;

  constructor(private readonly errors: { add(path: string, message: string): void }) {}

  /** Whether `row` has the header's `width`; a longer row is reported, a shorter one held until `settle`. */
  fits(row: CsvRowView, width: number): boolean {
    if (row.size < width) this.short = { line: row.line, count: row.size, width };
    else if (row.size > width) this.errors.add(`line ${row.line}`, `${row.size} cells where the header has ${width}`);
    return row.size === width;
  }

  /** Reports the short row held so far: another row came after it. */
  settle(): void {
    if (this.short === null) return;
    const { line, count, width } = this.short;
    this.errors.add(`line ${line}`, `${count} cells where the header has ${width}`);
    this.short = null;
  }

  /** The warning for a short last line, or null when the last row was whole. */
  lastLineWarning(): string | null {
    return this.short && `the last line (${this.short.line}) is incomplete and was skipped`;
  }
}

/** The pieces `forEachCsvRow` reads an upload in: the decoded text when the caller has it, else decoded piecewise. */
export function csvChunks(bytes: Uint8Array, text?: string): Iterable<string> {
  if (text !== undefined) return [text];
  return bytes.includes(QUOTE) ? [decodeText(bytes)] : textChunks(bytes);
}

/** The row loop of `forEachCsvRow`; line numbers and the row cap carry over from one piece of text to the next. */
class CsvReader {
  private readonly row = new CsvRowView();
  private readonly decimals = new PlainDecimalReader();
  private readonly sepCode: number;
  private rowCount = 0;
  private line = 1;

  constructor(
    private readonly sep: string,
    private readonly visit: (row: CsvRowView) => void,
  ) {
    this.sepCode = sep.charCodeAt(0);
  }

  /** Reads every row of one piece of text. */
  read(text: string): void {
    let pos = 0;
    while (pos < text.length) {
      let next = text.indexOf('\n', pos);
      if (next === -1) next = text.length;
      const end = next > pos && text.charCodeAt(next - 1) === CR ? next - 1 : next;
      if (this.readPlainLine(text, pos, end)) {
        pos = next + 1;
        this.line++;
        continue;
      }
      const raw = text.slice(pos, end);
      if (raw.includes('"')) {
        pos = this.readQuotedRow(text, pos);
        continue;
      }
      // a lone \r (old Mac line ends) also splits rows
      for (const part of raw.split('\r')) this.visitStrings(part.split(this.sep), this.line);
      pos = next + 1;
      this.line++;
    }
  }

  /**
   * The fast path, for a line without quotes or lone `\r`s (metric logs rarely have either): the cell bounds are
   * found in place, with the value of every plain-decimal cell read in the same pass. False, having visited
   * nothing, for any other line.
   */
  private readPlainLine(text: string, pos: number, end: number): boolean {
    let size = 0;
    for (let at = pos; ; at++) {
      at = this.readPlainCell(text, at, end, size++);
      if (at === -1) return false;
      if (at === end) break;
    }
    if (size === 1 && text.slice(pos, end).trim() === '') return true; // a blank line
    this.row.setBounds(text, this.line, size);
    this.visitRow();
    return true;
  }

  /**
   * Bounds cell `i`, which starts at `start`, with its value when it is a plain decimal, read in the same pass
   * (NaN for any other cell, whose text `value` parses when asked). Returns where the cell ends (a separator or
   * `end`), or -1 at a quote or `\r`.
   */
  private readPlainCell(text: string, start: number, end: number, i: number): number {
    const { decimals, sepCode } = this;
    let value = decimals.read(text, start, end);
    let at = decimals.stop;
    if (at < end && text.charCodeAt(at) !== sepCode) {
      value = NaN;
      for (; at < end; at++) {
        const c = text.charCodeAt(at);
        if (c === sepCode) break;
        if (c === QUOTE || c === CR) return -1;
      }
    }
    this.row.bound(i, start, at, value);
    return at;
  }

  /** The slow path: a row with quoted fields, which may span lines. Returns where the next row starts. */
  private readQuotedRow(text: string, pos: number): number {
    const { sep } = this;
    const n = text.length;
    const startLine = this.line;
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
          const quoted = text.slice(i, q);
          for (let k = quoted.indexOf('\n'); k !== -1; k = quoted.indexOf('\n', k + 1)) this.line++;
          value += quoted;
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
    this.visitStrings(cells, startLine);
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    this.line++;
    return i + 1;
  }

  private visitStrings(cells: string[], line: number): void {
    if (cells.length === 1 && cells[0].trim() === '') return;
    this.row.setStrings(cells, line);
    this.visitRow();
  }

  private visitRow(): void {
    const { row } = this;
    if (row.size > MAX_COLUMNS) {
      const message = `line ${row.line} has ${row.size} columns; at most ${MAX_COLUMNS} are accepted`;
      throw new AdvisorInputError('too_large', message);
    }
    if (++this.rowCount > MAX_POINTS_PER_SERIES + 1) {
      throw new AdvisorInputError('too_large', `more than ${MAX_POINTS_PER_SERIES} rows`);
    }
    this.visit(row);
  }
}

/**
 * Splits CSV text into rows of cells; blank lines are skipped. Throws too_large past the point or column caps.
 * @example readCsv('epoch,loss\n0,0.9\n') // [{line:1, cells:['epoch','loss']}, {line:2, cells:['0','0.9']}]
 */
export function readCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  forEachCsvRow([text], (row) => rows.push({ line: row.line, cells: row.cells() }));
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
