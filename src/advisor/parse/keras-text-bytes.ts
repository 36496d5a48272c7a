/**
 * Keras console lines read from their bytes, for `keras-text`: `Epoch N/M` lines and ` - name: value` pairs, found
 * exactly where its regexes find them, without a string per line or per number. Only for plain ASCII lines (see
 * `isPlainAsciiLine`): `keras-text` decodes any other line and reads it as text.
 */
import { ByteDecimalReader, decodeUtf8Slice, parseMetricValue, RepeatedStrings } from './text';

const [TAB, CR, SPACE, MINUS, PLUS, DOT, SLASH, ZERO, NINE, COLON] = [9, 13, 32, 45, 43, 46, 47, 48, 57, 58];
const [UPPER_A, UPPER_Z, UNDERSCORE, LOWER_A, LOWER_Z, UPPER_E, LOWER_E, BACKSPACE] = [65, 90, 95, 97, 122, 69, 101, 8];
const NON_ASCII = 0x80;
const EPOCH = [...'Epoch'].map((c) => c.charCodeAt(0));
/** Digits of an epoch number read exactly by accumulation (below 2^53). */
const MAX_EXACT_DIGITS = 15;


const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isLetter = (c: number): boolean => (c >= UPPER_A && c <= UPPER_Z) || (c >= LOWER_A && c <= LOWER_Z);
/** The regexes' `\s` on ASCII: tab, line feed, vertical tab, form feed, carriage return, space. */
const isSpace = (c: number): boolean => c === SPACE || (c >= TAB && c <= CR);
/** The regexes' `\w`. */
const isWord = (c: number): boolean => isDigit(c) || isLetter(c) || c === UNDERSCORE;

/** Whether `Epoch` starts at `i`. */
function isEpochAt(bytes: Uint8Array, i: number): boolean {
  for (let k = 0; k < EPOCH.length; k++) if (bytes[i + k] !== EPOCH[k]) return false;
  return true;
}

/**
 * Whether the line `bytes[start, end)` reads the same as bytes as it does as text: ASCII, without the `\r` and
 * backspaces that end console lines too, and without `Epoch` (other than `epochLineAt`'s exact form, such lines are
 * left to the text regexes).
 */
export function isPlainAsciiLine(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c >= NON_ASCII || c === CR || c === BACKSPACE || (c === UPPER_E && isEpochAt(bytes, i))) return false;
  }
  return true;
}

/** Index of the first non-digit at or after `i` (before `end`). */
function skipDigits(bytes: Uint8Array, i: number, end: number): number {
  while (i < end && isDigit(bytes[i])) i++;
  return i;
}

/**
 * The epoch of a line that is exactly `Epoch N/M` (digits only, as Keras prints it), or null for any other line
 * (which may still be an epoch line of other spacing, for the text regex).
 * @example epochLineAt(bytes('Epoch 3/20'), 0, 10) // 3
 */
export function epochLineAt(bytes: Uint8Array, start: number, end: number): number | null {
  if (end - start < 9 || !isEpochAt(bytes, start) || bytes[start + 5] !== SPACE) return null;
  const slash = skipDigits(bytes, start + 6, end);
  if (slash === start + 6 || bytes[slash] !== SLASH || skipDigits(bytes, slash + 1, end) !== end || slash + 1 === end) {
    return null;
  }
  if (slash - (start + 6) > MAX_EXACT_DIGITS) return Number(decodeUtf8Slice(bytes.subarray(start + 6, slash)));
  let epoch = 0;
  for (let i = start + 6; i < slash; i++) epoch = epoch * 10 + (bytes[i] - ZERO);
  return epoch;
}

/** Index after the `+` or `-` at `i`, if there is one. */
function skipSign(bytes: Uint8Array, i: number, end: number): number {
  return i < end && (bytes[i] === MINUS || bytes[i] === PLUS) ? i + 1 : i;
}

/** End of the decimal `[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?` at `i`, longest first; -1 when there is none. */
function decimalEnd(bytes: Uint8Array, i: number, end: number): number {
  i = skipSign(bytes, i, end);
  if (i < end && isDigit(bytes[i])) {
    i = skipDigits(bytes, i, end);
    if (i < end && bytes[i] === DOT) i = skipDigits(bytes, i + 1, end);
  } else if (bytes[i] === DOT && i + 1 < end && isDigit(bytes[i + 1])) {
    i = skipDigits(bytes, i + 1, end);
  } else return -1;
  if (i < end && (bytes[i] === LOWER_E || bytes[i] === UPPER_E)) {
    const sign = bytes[i + 1] === MINUS || bytes[i + 1] === PLUS ? 1 : 0;
    const exponentEnd = skipDigits(bytes, i + 1 + sign, end);
    if (exponentEnd > i + 1 + sign) i = exponentEnd;
  }
  return i;
}

/** Whether the letters of `word` (lower case) start at `i`, in either case. */
function isWordAt(bytes: Uint8Array, i: number, end: number, word: string): boolean {
  if (end - i < word.length) return false;
  for (let k = 0; k < word.length; k++) if ((bytes[i + k] | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** End of `[-+]?(?:nan|inf(?:inity)?)` at `i` (any case), longest first; -1 when there is none. */
function nonFiniteEnd(bytes: Uint8Array, i: number, end: number): number {
  i = skipSign(bytes, i, end);
  if (isWordAt(bytes, i, end, 'nan')) return i + 3;
  if (isWordAt(bytes, i, end, 'infinity')) return i + 8;
  return isWordAt(bytes, i, end, 'inf') ? i + 3 : -1;
}

/** Whether a value ending at `i` (-1: no value) is followed by what `(?![\w.])` allows. */
function endsValue(bytes: Uint8Array, i: number, end: number): boolean {
  return i !== -1 && (i === end || !(isWord(bytes[i]) || bytes[i] === DOT));
}

/**
 * ` - name: value` pairs of a plain ASCII line, found as `/(?:^|\s)-\s+([A-Za-z_][\w./]*):\s+(NUMBER)(?![\w.])/gi`
 * finds them. Each part of that pattern can only end one way once the next must follow (a name cannot hold `:`, a
 * shorter number would be followed by a digit, `.` or letter), so a match is read without backtracking.
 */
export class KerasPairs {
  nameStart = 0;
  nameEnd = 0;
  valueStart = 0;
  valueEnd = 0;
  private readonly decimals = new ByteDecimalReader();
  private readonly names = new RepeatedStrings();

  /** Finds the first pair the regex finds from `from` in the line `[lineStart, end)`; false when there is none. */
  find(bytes: Uint8Array, from: number, lineStart: number, end: number): boolean {
    for (let dash = from; dash < end; dash++) {
      if (bytes[dash] !== MINUS) continue;
      // `(?:^|\s)`: the line start (only when searching from it), or a space the search has not passed
      const preceded = dash === lineStart || (dash > from && isSpace(bytes[dash - 1]));
      if (preceded && this.matchAt(bytes, dash + 1, end)) return true;
    }
    return false;
  }

  /** Every pair of the line `[start, end)` into `metrics`, as `kerasMetrics` reads the line's text. */
  readAll(bytes: Uint8Array, start: number, end: number, metrics: Map<string, number | null>): void {
    for (let from = start; this.find(bytes, from, start, end); from = this.valueEnd) {
      const name = this.names.of(bytes, this.nameStart, this.nameEnd, decodeUtf8Slice);
      if (name !== '__proto__') metrics.set(name, this.value(bytes));
    }
  }

  /** `parseMetricValue` of the value just found (it is a number, `nan` or `inf`): from its bytes when exact. */
  private value(bytes: Uint8Array): number | null {
    const { decimals, valueStart, valueEnd } = this;
    const value = decimals.read(bytes, valueStart, valueEnd);
    if (!Number.isNaN(value) && decimals.stop === valueEnd) return value;
    return parseMetricValue(decodeUtf8Slice(bytes.subarray(valueStart, valueEnd))) ?? null;
  }

  /** Matches `\s+([A-Za-z_][\w./]*):\s+(NUMBER)(?![\w.])` at `i` (just after the `-`), recording its bounds. */
  private matchAt(bytes: Uint8Array, i: number, end: number): boolean {
    const nameStart = this.skipSpaces(bytes, i, end);
    if (nameStart === -1 || !(isLetter(bytes[nameStart]) || bytes[nameStart] === UNDERSCORE)) return false;
    let nameEnd = nameStart + 1;
    while (nameEnd < end && (isWord(bytes[nameEnd]) || bytes[nameEnd] === DOT || bytes[nameEnd] === SLASH)) nameEnd++;
    if (nameEnd === end || bytes[nameEnd] !== COLON) return false;
    const valueStart = this.skipSpaces(bytes, nameEnd + 1, end);
    if (valueStart === -1) return false;
    let valueEnd = decimalEnd(bytes, valueStart, end);
    if (!endsValue(bytes, valueEnd, end)) valueEnd = nonFiniteEnd(bytes, valueStart, end);
    if (!endsValue(bytes, valueEnd, end)) return false;
    this.nameStart = nameStart;
    this.nameEnd = nameEnd;
    this.valueStart = valueStart;
    this.valueEnd = valueEnd;
    return true;
  }

  /** Index after the spaces at `i` (`\s+`), or -1 when there is none. */
  private skipSpaces(bytes: Uint8Array, i: number, end: number): number {
    const start = i;
    while (i < end && isSpace(bytes[i])) i++;
    return i === start || i === end ? -1 : i;
  }
}
