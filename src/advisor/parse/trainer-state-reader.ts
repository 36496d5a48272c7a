/**
 * The usual trainer_state.json read straight from its bytes: a JSON object whose `log_history` is an array of flat
 * objects — keys to numbers, null, booleans, strings without escapes, and the bare NaN/Infinity (or Python's nan,
 * inf, None, True, False) that the lenient JSON reading accepts. Entries are read in place, with no string of the
 * whole file and no object per entry; the rest of the document, a few hundred bytes, goes through the lenient JSON
 * reading. On anything else the reader gives up, and the caller reads the whole text the general way, which also
 * tells what is wrong with it.
 */
import { type LogEntries, LogEntry } from './hf-history';
import { exactDecimal, parseLenientJson, RepeatedStrings } from './text';

const code = (c: string): number => c.charCodeAt(0);
const [TAB, LF, CR, SPACE, QUOTE, APOSTROPHE, COMMA, MINUS, PLUS, DOT, COLON, BACKSLASH, UNDERSCORE] = [
  '\t', '\n', '\r', ' ', '"', "'", ',', '-', '+', '.', ':', '\\', '_',
].map(code);
const [ZERO, ONE, NINE, LOWER_E, UPPER_E, LOWER_A, LOWER_Z, UPPER_A, UPPER_Z] = ['0', '1', '9', 'e', 'E', 'a', 'z', 'A', 'Z'].map(code);
const [LEFT_BRACE, RIGHT_BRACE, LEFT_BRACKET, RIGHT_BRACKET] = ['{', '}', '[', ']'].map(code);
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const LOG_HISTORY_KEY = new TextEncoder().encode('"log_history"');

/** The words the lenient JSON reading accepts as values (`true`… here only says "not a number"). */
const WORDS = new Map<string, number | null | undefined>([
  ['null', null],
  ['None', null],
  ['true', undefined],
  ['false', undefined],
  ['True', undefined],
  ['False', undefined],
  ['NaN', NaN],
  ['nan', NaN],
  ['Infinity', Infinity],
  ['inf', Infinity],
  ['-Infinity', -Infinity],
  ['-inf', -Infinity],
]);

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isLetter = (c: number): boolean => (c >= LOWER_A && c <= LOWER_Z) || (c >= UPPER_A && c <= UPPER_Z);
const isWordByte = (c: number): boolean => isLetter(c) || isDigit(c) || c === UNDERSCORE;
const ascii = (bytes: Uint8Array): string => String.fromCharCode.apply(null, bytes as unknown as number[]);
const utf8 = new TextDecoder('utf-8');

function skipSpace(b: Uint8Array, i: number): number {
  // most bytes are above the space: one comparison rules them out
  while (b[i] <= SPACE && (b[i] === SPACE || b[i] === LF || b[i] === CR || b[i] === TAB)) i++;
  return i;
}

/** The end (after the closing quote) of the string whose opening quote is at `i`; -1 when it does not end. */
function stringEnd(b: Uint8Array, i: number): number {
  for (i++; i < b.length; i++) {
    if (b[i] === BACKSLASH) i++;
    else if (b[i] === QUOTE) return i + 1;
  }
  return -1;
}

/**
 * The end of the value at `i`, found by its strings and brackets only (the lenient JSON reading checks the rest);
 * -1 when they do not balance, or at a single quote, which the lenient reading takes as a Python string.
 */
function valueEnd(b: Uint8Array, i: number): number {
  let depth = 0;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c === QUOTE) {
      const end = stringEnd(b, i);
      if (end === -1) return -1;
      i = end - 1;
    } else if (c === APOSTROPHE) return -1;
    else if (c === LEFT_BRACE || c === LEFT_BRACKET) depth++;
    else if (c === RIGHT_BRACE || c === RIGHT_BRACKET) {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (c === COMMA && depth === 0) return i;
  }
  return depth === 0 ? i : -1;
}

/** Where a top-level member scan stopped: at the value of `log_history`, or after the object's closing brace. */
interface MemberStop {
  at: 'log_history' | 'end';
  pos: number;
}

/**
 * Reads the document's members from `i` (after its `{`, or after the comma that follows a member); null when they
 * are not of the usual shape. Keys with escapes give up: an escaped `log_history` would be the same key to JSON.
 */
function scanMembers(b: Uint8Array, i: number, first: boolean): MemberStop | null {
  for (;;) {
    i = skipSpace(b, i);
    if (first && b[i] === RIGHT_BRACE) return { at: 'end', pos: i + 1 };
    if (b[i] !== QUOTE) return null;
    const keyEnd = stringEnd(b, i);
    if (keyEnd === -1 || b.subarray(i, keyEnd).includes(BACKSLASH)) return null;
    const isLogHistory = keyEnd - i === LOG_HISTORY_KEY.length && LOG_HISTORY_KEY.every((c, k) => b[i + k] === c);
    i = skipSpace(b, keyEnd);
    if (b[i] !== COLON) return null;
    i = skipSpace(b, i + 1);
    if (isLogHistory) return { at: 'log_history', pos: i };
    i = valueEnd(b, i);
    if (i === -1) return null;
    i = skipSpace(b, i);
    if (b[i] === RIGHT_BRACE) return { at: 'end', pos: i + 1 };
    if (b[i] !== COMMA) return null;
    i++;
    first = false;
  }
}

/** Reads a JSON number at `i` as the value of `key`; the index after it, or -1 when it is not one. */
function readNumber(b: Uint8Array, i: number, entry: LogEntry, key: string): number {
  const start = i;
  const negative = b[i] === MINUS;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  if (b[i] === ZERO) {
    i++;
    digits = 1;
  } else if (b[i] >= ONE && b[i] <= NINE) {
    for (; isDigit(b[i]); i++, digits++) mantissa = mantissa * 10 + (b[i] - ZERO);
  } else return -1;
  let decimals = 0;
  if (b[i] === DOT) {
    for (i++; isDigit(b[i]); i++, decimals++) mantissa = mantissa * 10 + (b[i] - ZERO);
    if (decimals === 0) return -1;
    digits += decimals;
  }
  let value = exactDecimal(mantissa, digits, decimals);
  if (b[i] === LOWER_E || b[i] === UPPER_E) {
    i++;
    if (b[i] === PLUS || b[i] === MINUS) i++;
    const exponentStart = i;
    while (isDigit(b[i])) i++;
    if (i === exponentStart) return -1;
    value = NaN;
  }
  if (Number.isNaN(value)) value = Number(ascii(b.subarray(negative ? start + 1 : start, i)));
  entry.add(key, negative ? -value : value);
  return i;
}

/**
 * Reads the value at `i` as the value of `key` (a number, null, or undefined for anything else); the index after
 * it, or -1 when it is not supported.
 */
function readValue(b: Uint8Array, i: number, entry: LogEntry, key: string): number {
  const c = b[i];
  if (c === QUOTE) {
    // a string is no metric; one with escapes gives up (the lenient reading turns some escaped strings into numbers)
    for (let j = i + 1; j < b.length; j++) {
      if (b[j] === QUOTE) {
        entry.add(key, undefined);
        return j + 1;
      }
      if (b[j] === BACKSLASH || b[j] < SPACE) return -1;
    }
    return -1;
  }
  if (isDigit(c) || (c === MINUS && !isLetter(b[i + 1]))) return readNumber(b, i, entry, key);
  if (!isLetter(c) && c !== UNDERSCORE && c !== MINUS) return -1; // nested objects and arrays give up too
  let end = i + 1;
  while (isWordByte(b[end])) end++;
  const word = ascii(b.subarray(i, end));
  if (!WORDS.has(word)) return -1;
  entry.add(key, WORDS.get(word));
  return end;
}

/** Whether a key byte needs no decoding: printable ASCII other than a quote or a backslash. */
const isPlainKeyByte = (c: number): boolean => c >= SPACE && c < 0x7f && c !== QUOTE && c !== BACKSLASH;

/** Reads the entry object at `i` into `entry`; the index after it, or -1 when it is not of the usual shape. */
function readEntry(b: Uint8Array, i: number, entry: LogEntry, keys: RepeatedStrings): number {
  entry.clear();
  i = skipSpace(b, i + 1);
  if (b[i] === RIGHT_BRACE) return i + 1;
  for (;;) {
    if (b[i] !== QUOTE) return -1;
    const keyStart = i + 1;
    let keyEnd = keyStart;
    while (isPlainKeyByte(b[keyEnd])) keyEnd++;
    // a digit first could make an index-like key, which a JSON object lists before the others
    if (b[keyEnd] !== QUOTE || isDigit(b[keyStart])) return -1;
    const key = keys.of(b, keyStart, keyEnd, ascii);
    // a repeated key: JSON.parse keeps its last value in its first place
    if (entry.has(key)) return -1;
    i = skipSpace(b, keyEnd + 1);
    if (b[i] !== COLON) return -1;
    i = readValue(b, skipSpace(b, i + 1), entry, key);
    if (i === -1) return -1;
    i = skipSpace(b, i);
    if (b[i] === RIGHT_BRACE) return i + 1;
    if (b[i] !== COMMA) return -1;
    i = skipSpace(b, i + 1);
  }
}

/** Reads the entries of the array at `i`, visiting each; the index after the array, or -1 when it gives up. */
function readEntries(b: Uint8Array, i: number, visit: (entry: LogEntry) => void): number {
  const keys = new RepeatedStrings();
  const entry = new LogEntry();
  i = skipSpace(b, i + 1);
  if (b[i] === RIGHT_BRACKET) return i + 1;
  for (;;) {
    if (b[i] !== LEFT_BRACE) return -1;
    i = readEntry(b, i, entry, keys);
    if (i === -1) return -1;
    visit(entry);
    i = skipSpace(b, i);
    if (b[i] === RIGHT_BRACKET) return i + 1;
    if (b[i] !== COMMA) return -1;
    i = skipSpace(b, i + 1);
  }
}

/** A trainer_state.json being read from its bytes. */
export interface TrainerStateReader {
  /** The `log_history` entries; the first complete visit also finds where the array ends. */
  entries: LogEntries;
  /**
   * The document with an empty `log_history` (after the entries were visited once); null when the rest of the
   * document is not of the usual shape or not (lenient) JSON.
   */
  state(): Record<string, unknown> | null;
}

/**
 * Opens a trainer_state.json: null unless its bytes start (after byte order marks) with an object whose members up
 * to `log_history` are of the usual shape.
 * @example const reader = openTrainerState(bytes); if (reader?.entries(visit)) state = reader.state();
 */
export function openTrainerState(bytes: Uint8Array): TrainerStateReader | null {
  let start = 0;
  // decodeText drops up to two byte order marks
  for (let k = 0; k < 2 && UTF8_BOM.every((c, j) => bytes[start + j] === c); k++) start += UTF8_BOM.length;
  const open = skipSpace(bytes, start);
  if (bytes[open] !== LEFT_BRACE) return null;
  const head = scanMembers(bytes, open + 1, true);
  if (head?.at !== 'log_history' || bytes[head.pos] !== LEFT_BRACKET) return null;
  const arrayStart = head.pos;
  let arrayEnd = -1;
  return {
    entries: (visit) => {
      arrayEnd = readEntries(bytes, arrayStart, visit);
      return arrayEnd !== -1;
    },
    state: () => {
      if (arrayEnd === -1) return null;
      let i = skipSpace(bytes, arrayEnd);
      if (bytes[i] === COMMA) {
        const tail = scanMembers(bytes, i + 1, false);
        if (tail?.at !== 'end') return null; // a second `log_history` too
        i = tail.pos;
      } else if (bytes[i] === RIGHT_BRACE) i++;
      else return null;
      if (skipSpace(bytes, i) !== bytes.length) return null;
      const rest = `${utf8.decode(bytes.subarray(start, arrayStart))}[]${utf8.decode(bytes.subarray(arrayEnd))}`;
      // the lenient reading turns this escaped marker into a number wherever one bare NaN made it rewrite the text
      if (rest.includes('\\u0000')) return null;
      let doc: unknown;
      try {
        doc = parseLenientJson(rest);
      } catch {
        return null;
      }
      const state = doc as Record<string, unknown>;
      const empty = Array.isArray(state?.log_history) && (state.log_history as unknown[]).length === 0;
      return typeof doc === 'object' && !Array.isArray(doc) && empty ? state : null;
    },
  };
}
