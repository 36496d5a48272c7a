/** Text helpers shared by the text formats: decoding, number cells, and JSON as Python and Keras really write it. */
import { AdvisorInputError } from '../types';

/**
 * Bytes → string: UTF-8 (BOM dropped), or UTF-16 when a BOM says so (PowerShell's `>` writes UTF-16LE).
 * @example decodeText(new TextEncoder().encode('\uFEFFepoch,loss')) // 'epoch,loss'
 */
export function decodeText(bytes: Uint8Array): string {
  if (isUtf16(bytes)) {
    const littleEndian = bytes[0] === 0xff;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const units: string[] = [];
    const CHUNK = 8192;
    for (let i = 2; i + 1 < bytes.length; i += 2 * CHUNK) {
      const codes: number[] = [];
      for (let j = i; j + 1 < bytes.length && j < i + 2 * CHUNK; j += 2) codes.push(view.getUint16(j, littleEndian));
      units.push(String.fromCharCode(...codes));
    }
    return units.join('');
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const midFileDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * UTF-8 bytes from within a file (a line, a cell) as text, as decoding the whole file gives it: a `\uFEFF` there
 * is a character, not a byte order mark to drop.
 */
export function decodeUtf8Slice(bytes: Uint8Array): string {
  return midFileDecoder.decode(bytes);
}

/**
 * Whether `bytes` start with a byte order mark, UTF-8's (which decoding drops) or UTF-16's (`decodeText` then reads
 * UTF-16): what the byte-level readers leave to the decoded text.
 */
export function hasByteOrderMark(bytes: Uint8Array): boolean {
  return isUtf16(bytes) || (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf);
}

/** Whether `bytes` start with a UTF-16 byte order mark (`decodeText` then reads UTF-16). */
function isUtf16(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

/**
 * Bytes decoded per piece by `textChunks`: large enough that per-call costs vanish, small enough that each piece is a
 * short-lived young-generation string. One string of a whole multi-MB log cost more than parsing it (a fresh large
 * allocation every time).
 */
export const CHUNK_BYTES = 64 * 1024;

const LF = 0x0a;

/**
 * The text `decodeText` gives, as consecutive pieces that each end just after a `\n` (the last one at the end of the
 * text), so a line is never split between pieces. Iterable any number of times; each pass decodes again.
 * @example [...textChunks(bytes)].join('') === decodeText(bytes) // true
 */
export function textChunks(bytes: Uint8Array, chunkBytes = CHUNK_BYTES): Iterable<string> {
  return {
    *[Symbol.iterator]() {
      if (isUtf16(bytes)) {
        yield decodeText(bytes); // rare (PowerShell redirections): one piece
        return;
      }
      // one streaming decoder, so a byte order mark is dropped only at the very start, as decodeText does
      const decoder = new TextDecoder('utf-8');
      for (let start = 0; start < bytes.length; ) {
        const lf = start + chunkBytes < bytes.length ? bytes.indexOf(LF, start + chunkBytes - 1) : -1;
        const end = lf === -1 ? bytes.length : lf + 1;
        // a `\n` byte never sits inside a multi-byte UTF-8 sequence: pieces end on character boundaries
        const piece = decoder.decode(bytes.subarray(start, end), { stream: end < bytes.length });
        yield start === 0 && piece.charCodeAt(0) === 0xfeff ? piece.slice(1) : piece;
        start = end;
      }
    },
  };
}

/**
 * The start of the text `decodeText` gives: the first `CHUNK_BYTES` bytes decoded (all of a shorter upload), less a
 * character they cut in two. Enough to tell most formats, at a fraction of decoding a long upload.
 * @example decodeHead(bytes) === decodeText(bytes).slice(0, decodeHead(bytes).length) // true
 */
export function decodeHead(bytes: Uint8Array): string {
  if (bytes.length <= CHUNK_BYTES) return decodeText(bytes);
  if (isUtf16(bytes)) return decodeText(bytes.subarray(0, CHUNK_BYTES)); // code units: an even cut keeps them whole
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, CHUNK_BYTES), { stream: true });
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Characters `looksBinary` samples: the start of a file tells binary from text. */
export const BINARY_SAMPLE_CHARS = 4096;

/** Whether decoded text looks like binary data rather than a log (NULs or many undecodable bytes). */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, BINARY_SAMPLE_CHARS);
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 8)) bad++;
  }
  return bad > sample.length * 0.05;
}

/**
 * The strings of byte ranges that repeat (TensorBoard tags, log_history keys), remembered by their bytes: a long
 * log repeats the same few in every record, and building each one's string again was a large part of reading it.
 */
export class RepeatedStrings {
  private readonly known: Array<{ bytes: Uint8Array; text: string }> = [];

  /** @param limit strings remembered: more than a log has names, few enough to compare each against */
  constructor(private readonly limit = 32) {}

  /** The string of `bytes[start, end)`, from `decode` the first time those bytes come. */
  of(bytes: Uint8Array, start: number, end: number, decode: (bytes: Uint8Array) => string): string {
    const length = end - start;
    for (const known of this.known) if (known.bytes.length === length && sameBytes(known.bytes, bytes, start)) return known.text;
    const text = decode(bytes.subarray(start, end));
    if (this.known.length < this.limit) this.known.push({ bytes: bytes.slice(start, end), text });
    return text;
  }
}

/** Whether `bytes` equal `other[start, start + bytes.length)`. */
function sameBytes(bytes: Uint8Array, other: Uint8Array, start: number): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== other[start + i]) return false;
  return true;
}

const MISSING = new Set(['', 'null', 'none', 'na', 'n/a']);

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;

/** Index of the first non-digit in `s` at or after `i`. */
function skipDigits(s: string, i: number): number {
  let c = s.charCodeAt(i);
  while (c >= ZERO && c <= NINE) c = s.charCodeAt(++i);
  return i;
}

/**
 * Whether `s` is a plain decimal (`0.5`, `-3`, `.5e-3`, `1.`), as `/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/`
 * says, scanned by hand: logs have hundreds of thousands of cells, and a regex per cell dominated parsing.
 */
function isDecimal(s: string): boolean {
  let i = 0;
  if (s.charCodeAt(i) === PLUS || s.charCodeAt(i) === MINUS) i++;
  const intStart = i;
  i = skipDigits(s, i);
  let digits = i - intStart;
  if (s.charCodeAt(i) === DOT) {
    const fractionStart = ++i;
    i = skipDigits(s, i);
    digits += i - fractionStart;
  }
  if (digits === 0) return false;
  if (s.charCodeAt(i) === LOWER_E || s.charCodeAt(i) === UPPER_E) {
    i++;
    if (s.charCodeAt(i) === PLUS || s.charCodeAt(i) === MINUS) i++;
    const exponentStart = i;
    i = skipDigits(s, i);
    if (i === exponentStart) return false;
  }
  return i === s.length;
}

/** Powers of ten a double holds exactly: up to 10^22. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Digits whose integer a double always holds exactly (below 2^53). */
const MAX_EXACT_DIGITS = 15;

/**
 * Reads plain decimals of at most 15 digits (`-0.12345`, `3`, `.5`, `2.`) in place: the digits as an integer divided
 * by an exact power of ten is the correctly rounded value, the same double `Number()` gives (Clinger's fast path),
 * without building a string; logs have hundreds of thousands of numbers. A reader object rather than a function, so
 * that the stopping point comes back without an allocation per number.
 * @example const r = new PlainDecimalReader(); r.read('a,-0.25,b', 2, 9) // -0.25, and r.stop is 7
 */
export class PlainDecimalReader {
  /** Where the last `read` stopped: the first character it did not take. */
  stop = 0;

  /** The plain decimal at `start` (before `end`); NaN when there is none there (or more digits). */
  read(text: string, start: number, end: number): number {
    let i = start;
    let c = i < end ? text.charCodeAt(i) : -1; // -1 past the end
    const negative = c === MINUS;
    if (negative || c === PLUS) c = ++i < end ? text.charCodeAt(i) : -1;
    let mantissa = 0;
    const integerStart = i;
    for (; c >= ZERO && c <= NINE; c = ++i < end ? text.charCodeAt(i) : -1) mantissa = mantissa * 10 + (c - ZERO);
    let digits = i - integerStart;
    let decimals = 0;
    if (c === DOT) {
      const fractionStart = ++i;
      for (c = i < end ? text.charCodeAt(i) : -1; c >= ZERO && c <= NINE; c = ++i < end ? text.charCodeAt(i) : -1) {
        mantissa = mantissa * 10 + (c - ZERO);
      }
      decimals = i - fractionStart;
      digits += decimals;
    }
    this.stop = i;
    if (digits === 0) return NaN;
    const value = exactDecimal(mantissa, digits, decimals);
    return negative ? -value : value;
  }
}

/**
 * The double of a decimal of `digits` digits read as the integer `mantissa` with `decimals` of them after the
 * point, times `10^exponent`: one multiplication or division of exact doubles, so correctly rounded, while the
 * mantissa has at most 15 digits and the power of ten at most 22; NaN beyond, for the caller to parse the text.
 */
export function exactDecimal(mantissa: number, digits: number, decimals: number, exponent = 0): number {
  if (digits > MAX_EXACT_DIGITS) return NaN;
  const scale = decimals - exponent;
  if (scale === 0) return mantissa; // epochs and steps: no division
  if (scale > 0) return scale < EXACT_POWERS_OF_TEN.length ? mantissa / EXACT_POWERS_OF_TEN[scale] : NaN;
  return -scale < EXACT_POWERS_OF_TEN.length ? mantissa * EXACT_POWERS_OF_TEN[-scale] : NaN;
}

/** Exponent digits `ByteDecimalReader` takes: more is no metric value, left for `Number()`. */
const MAX_EXPONENT_DIGITS = 3;

/**
 * `PlainDecimalReader` over the bytes of ASCII text, also taking an exponent (`1e-7`), so that a CSV file is read
 * without building a string per number. NaN for anything else (`nan`, `inf`, spaces, 16+ digits): the caller
 * then decodes that one cell and parses it as text.
 * @example const r = new ByteDecimalReader(); r.read(bytes('a,-2.5e-3,b'), 2, 11) // -0.0025, and r.stop is 9
 */
export class ByteDecimalReader {
  /** Where the last `read` stopped: the first byte it did not take. */
  stop = 0;

  /** The decimal at `start` (before `end`); NaN when there is none there or it needs `Number()`. */
  read(bytes: Uint8Array, start: number, end: number): number {
    let i = start;
    const negative = bytes[i] === MINUS;
    if (i < end && (negative || bytes[i] === PLUS)) i++;
    let mantissa = 0;
    const integerStart = i;
    for (; i < end && isDigitByte(bytes[i]); i++) mantissa = mantissa * 10 + (bytes[i] - ZERO);
    let digits = i - integerStart;
    let decimals = 0;
    if (i < end && bytes[i] === DOT) {
      const fractionStart = ++i;
      for (; i < end && isDigitByte(bytes[i]); i++) mantissa = mantissa * 10 + (bytes[i] - ZERO);
      decimals = i - fractionStart;
      digits += decimals;
    }
    this.stop = i;
    if (digits === 0) return NaN;
    const exponent = i < end && (bytes[i] === LOWER_E || bytes[i] === UPPER_E) ? this.readExponent(bytes, i + 1, end) : 0;
    if (Number.isNaN(exponent)) return NaN;
    const value = exactDecimal(mantissa, digits, decimals, exponent);
    return negative ? -value : value;
  }

  /** The exponent whose digits (after an optional sign) start at `i`; NaN when it has none or too many. */
  private readExponent(bytes: Uint8Array, i: number, end: number): number {
    const negative = bytes[i] === MINUS;
    if (i < end && (negative || bytes[i] === PLUS)) i++;
    let exponent = 0;
    const start = i;
    for (; i < end && isDigitByte(bytes[i]); i++) exponent = exponent * 10 + (bytes[i] - ZERO);
    this.stop = i;
    if (i === start || i - start > MAX_EXPONENT_DIGITS) return NaN;
    return negative ? -exponent : exponent;
  }
}

function isDigitByte(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

const decimals = new PlainDecimalReader();

/**
 * A cell of a log as a metric value: a number, NaN/±Infinity for `nan`/`inf`, null for an empty cell or `null`,
 * undefined when the cell is not a number at all.
 * @example parseMetricValue('-inf') // -Infinity
 * @example parseMetricValue('abc') // undefined
 */
export function parseMetricValue(cell: string): number | null | undefined {
  const plain = decimals.read(cell, 0, cell.length);
  if (decimals.stop === cell.length && !Number.isNaN(plain)) return plain;
  if (isDecimal(cell)) return Number(cell);
  const s = cell.trim();
  if (isDecimal(s)) return Number(s);
  const lower = s.toLowerCase();
  if (MISSING.has(lower)) return null;
  if (lower === 'nan' || lower === '-nan' || lower === '+nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return undefined;
}

const NAN_SENTINEL = '\u0000edgetune:NaN';
const POS_INF_SENTINEL = '\u0000edgetune:+Inf';
const NEG_INF_SENTINEL = '\u0000edgetune:-Inf';

/** Bare identifiers outside strings: JSON's own, what Python's json.dump writes, and Python literals. */
const JSON_IDENTIFIERS: Record<string, string> = {
  true: 'true',
  false: 'false',
  null: 'null',
  NaN: JSON.stringify(NAN_SENTINEL),
  Infinity: JSON.stringify(POS_INF_SENTINEL),
  '-Infinity': JSON.stringify(NEG_INF_SENTINEL),
};
const PYTHON_IDENTIFIERS: Record<string, string> = {
  ...JSON_IDENTIFIERS,
  True: 'true',
  False: 'false',
  None: 'null',
  nan: JSON.stringify(NAN_SENTINEL),
  inf: JSON.stringify(POS_INF_SENTINEL),
  '-inf': JSON.stringify(NEG_INF_SENTINEL),
};

/**
 * Rewrites lenient JSON into strict JSON: bare `NaN`/`Infinity` (Python's json.dump) become sentinel strings,
 * only outside strings; with `python`, also single-quoted strings and `True`/`False`/`None`/`nan`/`inf`.
 * Returns null when nothing needed rewriting. Unknown identifiers are left for JSON.parse to reject.
 */
function rewriteLenientJson(text: string, python: boolean): string | null {
  const identifiers = python ? PYTHON_IDENTIFIERS : JSON_IDENTIFIERS;
  const out: string[] = [];
  let changed = false;
  let start = 0; // start of the pending verbatim chunk
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === "'" && python) {
      out.push(text.slice(start, i));
      let j = i + 1;
      let body = '';
      while (j < n && text[j] !== "'") {
        if (text[j] === '\\' && j + 1 < n) {
          body += text[j + 1] === "'" ? "'" : text.slice(j, j + 2);
          j += 2;
        } else {
          body += text[j] === '"' ? '\\"' : text[j];
          j++;
        }
      }
      out.push(`"${body}"`);
      i = j + 1;
      start = i;
      changed = true;
    } else if (/[0-9]/.test(c)) {
      while (i < n && /[0-9eE+\-.]/.test(text[i])) i++;
    } else if (/[A-Za-z_]/.test(c) || (c === '-' && i + 1 < n && /[A-Za-z]/.test(text[i + 1]))) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(text[j])) j++;
      const word = text.slice(i, j);
      const replacement = identifiers[word];
      if (replacement !== undefined && replacement !== word) {
        out.push(text.slice(start, i), replacement);
        start = j;
        changed = true;
      }
      i = j;
    } else {
      i++;
    }
  }
  if (!changed) return null;
  out.push(text.slice(start));
  return out.join('');
}

/** Replaces the sentinel strings by numbers, iteratively (a deeply nested upload must not blow the stack). */
function restoreNonFinite(root: unknown): unknown {
  const fix = (v: unknown): unknown =>
    v === NAN_SENTINEL ? NaN : v === POS_INF_SENTINEL ? Infinity : v === NEG_INF_SENTINEL ? -Infinity : v;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        node[i] = fix(node[i]);
        if (typeof node[i] === 'object' && node[i] !== null) stack.push(node[i]);
      }
    } else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        record[key] = fix(record[key]);
        if (typeof record[key] === 'object' && record[key] !== null) stack.push(record[key]);
      }
    }
  }
  return fix(root);
}

/**
 * JSON.parse that also accepts bare NaN/Infinity/-Infinity (kept as numbers) and, unless `python: false`, Python
 * dict literals (`print(history.history)`). Throws AdvisorInputError('malformed') on anything else.
 * @example parseLenientJson('{"loss": NaN}') // { loss: NaN }
 * @example parseLenientJson("{'loss': nan, 'done': True}", { python: true }) // { loss: NaN, done: true }
 */
export function parseLenientJson(text: string, options: { python?: boolean } = {}): unknown {
  let strictError: unknown;
  try {
    return JSON.parse(text);
  } catch (err) {
    strictError = err;
  }
  const rewritten = rewriteLenientJson(text, options.python ?? true);
  let parsed: unknown;
  try {
    if (rewritten === null) throw strictError;
    parsed = JSON.parse(rewritten);
  } catch (err) {
    throw new AdvisorInputError('malformed', `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return restoreNonFinite(parsed);
}

/** Largest `{…}` literal looked at inside free text; log dicts are a few hundred characters. */
const MAX_EMBEDDED_OBJECT_CHARS = 100_000;

/**
 * The `{…}` object literals embedded in free text (HF Trainer prints `{'loss': 0.69, 'epoch': 0.16}`; notes quote
 * `log_history` entries), parsed leniently; literals that do not parse are skipped. Nested objects come out as
 * part of their outermost literal.
 */
export function extractObjectLiterals(text: string): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  // Unbalanced braces would make the scan quadratic: stop after a budget proportional to the text.
  let budget = 20 * text.length + 1_000_000;
  let i = text.indexOf('{');
  while (i !== -1 && budget > 0) {
    let depth = 0;
    let end = -1;
    let quote = '';
    for (let j = i; j < text.length && j - i < MAX_EMBEDDED_OBJECT_CHARS; j++) {
      const c = text[j];
      budget--;
      if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        end = j;
        break;
      }
    }
    if (end === -1) {
      i = text.indexOf('{', i + 1);
      continue;
    }
    budget -= end - i;
    try {
      const value = parseLenientJson(text.slice(i, end + 1), { python: true });
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        found.push(value as Record<string, unknown>);
      }
      i = text.indexOf('{', end + 1);
    } catch {
      i = text.indexOf('{', i + 1);
    }
  }
  return found;
}

/** Splits text into lines; `\r` alone also ends a line (progress bars redraw with it). */
export function splitLines(text: string): string[] {
  // splitting on one character is much faster than on a regex, and most logs have no `\r`
  return text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n');
}

/**
 * Whether some line of the text (as `splitLines` splits it) passes `test`, without splitting the whole text: a
 * format is usually recognised on its first lines.
 * @example someLine('a\r\nEpoch 1/2', (l) => l.startsWith('Epoch')) // true
 */
export function someLine(text: string, test: (line: string) => boolean): boolean {
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text.charCodeAt(i); // NaN past the end
    if (i < text.length && c !== 10 && c !== 13) continue;
    if (test(text.slice(start, i))) return true;
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
  }
  return false;
}

/**
 * The first `count` lines of text, as `splitLines` would give them, without splitting the rest.
 * @example firstLines('a\r\nb\nc', 2) // ['a', 'b']
 */
export function firstLines(text: string, count: number): string[] {
  let end = 0;
  for (let found = 0; found < count && end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (c === 13 && text.charCodeAt(end + 1) === 10) end++;
    if (c === 10 || c === 13) found++;
  }
  return splitLines(text.slice(0, end)).slice(0, count);
}
