/**
 * Format sniffing from CONTENT (file names lie: Keras' CSVLogger is often `training.log`): TensorBoard by its
 * binary framing, JSON by its keys, CSV by its header, console text by its epoch lines.
 */
import { AdvisorInputError, type Format } from '../types';
import type { UploadPart } from './index';
import { isLossName, canonicalMetricName } from './aliases';
import { isHeaderRow, readCsv } from './csv';
import { readTrainerState } from './hf-trainer-state';
import { historyMetrics } from './keras-history';
import { hasGenericEpochLines, hasKerasEpochLines } from './keras-text';
import { hasTfRecordHeader } from './tensorboard';
import {
  BINARY_SAMPLE_CHARS,
  CHUNK_BYTES,
  decodeHead,
  decodeText,
  firstLines,
  looksBinary,
  parseLenientJson,
  parseMetricValue,
} from './text';
import { isModelDocument } from './tfjs-model';

/** An HF Trainer log entry: `{'loss': 0.69, …, 'epoch': 0.16}`. */
function isLogEntry(e: unknown): boolean {
  return typeof e === 'object' && e !== null && ('epoch' in e || 'step' in e) && Object.keys(e).some(isLossName);
}

/** Which JSON document this is, from its top-level keys; null when none fits. */
export function sniffJsonDocument(doc: unknown): Format | null {
  if (Array.isArray(doc)) return doc.some(isLogEntry) ? 'hf-trainer-state' : null;
  if (typeof doc !== 'object' || doc === null) return null;
  const record = doc as Record<string, unknown>;
  if ('log_history' in record) return 'hf-trainer-state';
  if (isModelDocument(record)) return 'tfjs-model';
  if (typeof record.metrics === 'object' && record.metrics !== null && !Array.isArray(record.metrics)) return 'json';
  const metrics = historyMetrics(record);
  if (metrics && Object.entries(metrics).some(([k, v]) => Array.isArray(v) && isLossName(canonicalMetricName(k)))) {
    return 'keras-history';
  }
  return isLogEntry(record) ? 'hf-trainer-state' : null;
}

/** Which CSV this is from its header and first rows; null when the text is not a metrics CSV. */
function sniffCsv(text: string): Format | null {
  const head = firstLines(text.trimStart(), CSV_SNIFF_LINES).join('\n');
  let rows;
  try {
    rows = readCsv(head);
  } catch {
    return null;
  }
  if (rows.length < 1 || !isHeaderRow(rows[0].cells)) return null;
  const header = rows[0].cells.map((c) => c.trim());
  if (rows.length > 1 && rows[1].cells.length !== header.length) return null;
  // a one-column file is a CSV only when a number follows its header
  if (header.length === 1 && (rows.length < 2 || typeof parseMetricValue(rows[1].cells[0]) !== 'number')) return null;
  const lower = header.map((h) => h.toLowerCase());
  const lightning =
    (lower.includes('step') && lower.includes('epoch')) || lower.some((h) => /_(step|epoch)$/.test(h));
  if (lightning) return 'lightning-csv';
  const metricLike = header.some((h) => isLossName(canonicalMetricName(h)) || /acc|lr|learning_rate/i.test(h));
  return metricLike ? 'keras-csv' : null;
}

/** HF Trainer console dicts: `{'loss': 0.69, …, 'epoch': 0.16}` or quoted `"eval_loss": …` entries. */
const HF_DICT_LOSS = /['"](?:eval_|train_)?loss['"]\s*:/;
const HF_DICT_EPOCH = /['"](?:epoch|step)['"]\s*:/;

/** JSON's own whitespace: what `JSON.parse` skips around a document (`trim()` also drops NBSP, BOM, …). */
function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Whether `JSON.parse(text)` reads the same document as `JSON.parse(text.trim())`: only JSON whitespace around. */
function trimsToJson(text: string, trimmed: string): boolean {
  let start = 0;
  let end = text.length;
  while (start < end && isJsonWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isJsonWhitespace(text.charCodeAt(end - 1))) end--;
  return end - start === trimmed.length;
}

/**
 * A part's format, with what sniffing already did for the parser to reuse: the JSON document it parsed (the same
 * document) and the text it decoded.
 */
export interface Sniffed {
  format: Format;
  json?: unknown;
  text?: string;
}

/** Lines of a CSV that sniffing reads: a header and enough rows to see the columns are consistent. */
const CSV_SNIFF_LINES = 50;
/** Characters of console text searched for epoch lines. */
const TEXT_SAMPLE_CHARS = 2_000_000;

/**
 * The format of an upload told from the start of its text (all of a short upload), where the whole text would give
 * the same answer: a trainer_state.json, read straight from its bytes; and, for a long upload, a metrics CSV
 * (decided by its first lines) or Keras console output (an `Epoch N/M` line early on). Null when the whole text is
 * needed. Decoding a log of several MB into one string costs more than its parser then spends, and these formats
 * are parsed without it.
 */
function sniffFromHead(bytes: Uint8Array, head: string): Sniffed | null {
  const start = head.trimStart();
  const whole = bytes.length <= CHUNK_BYTES;
  if (start === '' || (!whole && head.length < BINARY_SAMPLE_CHARS) || looksBinary(head)) return null;
  if (start.startsWith('{')) {
    const state = start.includes('"log_history"') ? readTrainerState(bytes) : null;
    return state ? { format: 'hf-trainer-state', json: state } : null;
  }
  // the complete lines of the head
  const lines = head.slice(0, head.lastIndexOf('\n') + 1).trimStart();
  const decidable =
    !whole &&
    lines !== '' &&
    !start.startsWith('[') &&
    firstLines(lines, CSV_SNIFF_LINES + 1).length > CSV_SNIFF_LINES; // more than the lines CSV sniffing reads
  if (!decidable) return null;
  const format = sniffCsv(lines) ?? (hasKerasEpochLines(lines) ? 'keras-text' : null);
  return format ? { format } : null;
}

/**
 * The format of one upload part, from its bytes (and their text, when the caller has already decoded them).
 * @example sniffFormat({ bytes: new TextEncoder().encode('epoch,loss\n0,0.9\n') }) // 'keras-csv'
 * @throws AdvisorInputError('unknown_format') when nothing fits, ('malformed') when the part is empty
 */
export function sniffFormat(part: UploadPart, decoded?: string): Format {
  return sniffUpload(part, decoded).format;
}

/** `sniffFormat`, also handing back the parsed JSON document and the decoded text when there are. */
export function sniffUpload(part: UploadPart, decoded?: string): Sniffed {
  const { bytes } = part;
  if (bytes.length === 0) throw new AdvisorInputError('malformed', 'the upload is empty');
  if (hasTfRecordHeader(bytes)) return { format: 'tensorboard' };
  if (decoded === undefined) {
    const head = decodeHead(bytes);
    const early = sniffFromHead(bytes, head);
    if (early) return early;
    if (bytes.length <= CHUNK_BYTES) decoded = head; // all of it
  }
  const text = decoded ?? decodeText(bytes);
  return { ...sniffText(text), text };
}

/** The format of a text upload from its whole text. */
function sniffText(text: string): Sniffed {
  if (text.trim() === '') throw new AdvisorInputError('malformed', 'the upload is empty');
  if (looksBinary(text)) {
    throw new AdvisorInputError('unknown_format', 'binary content that is not a TensorBoard event file');
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc: unknown;
    let parsed = false;
    try {
      doc = parseLenientJson(trimmed);
      parsed = true;
    } catch {
      // not JSON: may still be console text that starts with a dict
    }
    if (parsed) {
      const format = sniffJsonDocument(doc);
      if (format) return trimsToJson(text, trimmed) ? { format, json: doc } : { format };
      throw new AdvisorInputError(
        'unknown_format',
        'JSON with none of the known shapes: `metrics` (canonical), metric arrays (Keras history), ' +
          '`log_history` (HF), `modelTopology` (tfjs)',
      );
    }
  }
  const csv = sniffCsv(text);
  if (csv) return { format: csv };
  const sample = text.slice(0, TEXT_SAMPLE_CHARS);
  if (hasKerasEpochLines(sample)) return { format: 'keras-text' };
  if (HF_DICT_LOSS.test(sample) && HF_DICT_EPOCH.test(sample)) return { format: 'hf-trainer-state' };
  if (hasGenericEpochLines(sample)) return { format: 'keras-text' };
  throw new AdvisorInputError(
    'unknown_format',
    'unrecognised upload: expected JSON, a metrics CSV, a TensorBoard event file or Keras console output',
  );
}
