/**
 * Format sniffing from CONTENT (file names lie: Keras' CSVLogger is often `training.log`): TensorBoard by its
 * binary framing, JSON by its keys, CSV by its header, console text by its epoch lines.
 */
import { AdvisorInputError, type Format } from '../types';
import type { UploadPart } from './index';
import { isLossName, canonicalMetricName } from './aliases';
import { isHeaderRow, readCsv } from './csv';
import { historyMetrics } from './keras-history';
import { hasGenericEpochLines, hasKerasEpochLines } from './keras-text';
import { hasTfRecordHeader } from './tensorboard';
import { decodeText, firstLines, looksBinary, parseLenientJson, parseMetricValue } from './text';
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
  const head = firstLines(text.trimStart(), 50).join('\n');
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

/** A part's format, and the JSON document sniffing parsed, for the parser to reuse (it is the same document). */
export interface Sniffed {
  format: Format;
  json?: unknown;
}

/**
 * The format of one upload part, from its bytes (and their text, when the caller has already decoded them).
 * @example sniffFormat({ bytes: new TextEncoder().encode('epoch,loss\n0,0.9\n') }) // 'keras-csv'
 * @throws AdvisorInputError('unknown_format') when nothing fits, ('malformed') when the part is empty
 */
export function sniffFormat(part: UploadPart, decoded?: string): Format {
  return sniffUpload(part, decoded).format;
}

/** `sniffFormat`, also handing back the parsed JSON document when there is one. */
export function sniffUpload(part: UploadPart, decoded?: string): Sniffed {
  const { bytes } = part;
  if (bytes.length === 0) throw new AdvisorInputError('malformed', 'the upload is empty');
  if (hasTfRecordHeader(bytes)) return { format: 'tensorboard' };
  const text = decoded ?? decodeText(bytes);
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
  const sample = text.slice(0, 2_000_000);
  if (hasKerasEpochLines(sample)) return { format: 'keras-text' };
  if (HF_DICT_LOSS.test(sample) && HF_DICT_EPOCH.test(sample)) return { format: 'hf-trainer-state' };
  if (hasGenericEpochLines(sample)) return { format: 'keras-text' };
  throw new AdvisorInputError(
    'unknown_format',
    'unrecognised upload: expected JSON, a metrics CSV, a TensorBoard event file or Keras console output',
  );
}
