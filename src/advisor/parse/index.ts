/**
 * Upload parsing for the training-log advisor: bytes of one or more parts → ParsedUpload (CONTRACT.md, "Uploads to
 * /advise"). Pure TypeScript on Web-standard APIs, so the Worker, the CLI and the tuner share it.
 *
 * Warnings: `ParsedUpload.warnings` are about the upload as a whole (runs split, files merged); each run's own
 * `warnings` are about that run (skipped records, resumes). Show both.
 */
import { AdvisorInputError, type Format, FORMATS, type ParsedUpload, type TrainingLog } from '../types';
import { parseCanonicalJson } from './canonical-json';
import { parseHfTrainerState } from './hf-trainer-state';
import { parseKerasCsv } from './keras-csv';
import { parseKerasHistory } from './keras-history';
import { parseKerasText } from './keras-text';
import { parseLightningCsv } from './lightning-csv';
import { alignSeries, hasLossSeries } from './log';
import { mergeParts } from './merge';
import { type Sniffed, sniffUpload } from './sniff';
import { parseTensorBoard } from './tensorboard';
import { parseTfjsModel } from './tfjs-model';

export { sniffFormat } from './sniff';
export { canonicalMetricName } from './aliases';
export { MAX_POINTS_PER_SERIES, MAX_SERIES } from './log';

export interface UploadPart {
  name?: string;
  contentType?: string;
  bytes: Uint8Array;
}

/** Total upload size: a year of per-step logs is a few MB; above this is not a training log. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Parts per upload: train + validation event files, a CSV and a model.json fit easily. */
export const MAX_PARTS = 20;

/**
 * One parser per format. The text ones also take the decoded text, and the JSON ones the parsed document, when
 * the caller has them (sniffing does that work too, and on a large upload it costs as much as parsing).
 */
export const PARSERS: Record<Format, (bytes: Uint8Array, text?: string, json?: unknown) => ParsedUpload> = {
  json: parseCanonicalJson,
  'keras-history': parseKerasHistory,
  'keras-csv': parseKerasCsv,
  'lightning-csv': parseLightningCsv,
  'hf-trainer-state': parseHfTrainerState,
  tensorboard: parseTensorBoard,
  'keras-text': parseKerasText,
  'tfjs-model': parseTfjsModel,
};

/** Whether a string is one of the contract's format names (`?format=` validation). */
export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

/** Any non-AdvisorInputError from a parser (a stack overflow on hostile nesting, a bug) is reported as malformed. */
function asInputError(err: unknown, what: string): AdvisorInputError {
  if (err instanceof AdvisorInputError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new AdvisorInputError('malformed', `could not read ${what}: ${detail}`);
}

function parsePart(part: UploadPart, forcedFormat: Format | undefined): ParsedUpload {
  if (part.bytes.length === 0) {
    throw new AdvisorInputError('malformed', `${part.name ? `"${part.name}"` : 'the upload'} is empty`);
  }
  // the parser reuses what sniffing decoded and parsed; the CSV and console parsers decode piece by piece otherwise
  const { format, json, text }: Sniffed = forcedFormat ? { format: forcedFormat } : sniffUpload(part);
  try {
    return PARSERS[format](part.bytes, text, json);
  } catch (err) {
    throw asInputError(err, `the upload as ${format}`);
  }
}

/** A run is usable with a loss series (any split) or a model topology. */
function isUsable(log: TrainingLog): boolean {
  return hasLossSeries(log) || log.model !== undefined;
}

/**
 * Parses an upload (the body, or the multipart `file` parts) into canonical runs.
 * @example parseUpload([{ name: 'training.log', bytes }]).runs[0].metrics.val_loss
 * @example parseUpload([{ bytes }], 'keras-csv') // skip sniffing
 * @throws AdvisorInputError — `too_large` (over MAX_UPLOAD_BYTES or a series cap), `malformed`, `unknown_format`,
 *   `unusable` (no loss series and no model)
 */
export function parseUpload(parts: UploadPart[], forcedFormat?: Format): ParsedUpload {
  if (parts.length === 0) throw new AdvisorInputError('malformed', 'nothing was uploaded');
  if (parts.length > MAX_PARTS) {
    throw new AdvisorInputError('too_large', `${parts.length} files; at most ${MAX_PARTS} are accepted`);
  }
  const total = parts.reduce((sum, p) => sum + p.bytes.length, 0);
  if (total > MAX_UPLOAD_BYTES) {
    throw new AdvisorInputError('too_large', `the upload is ${total} bytes; at most ${MAX_UPLOAD_BYTES} are accepted`);
  }
  const parsed = parts.map((part) => {
    try {
      return { name: part.name, upload: parsePart(part, forcedFormat) };
    } catch (err) {
      const error = asInputError(err, 'the upload');
      const message = parts.length > 1 && part.name ? `${part.name}: ${error.message}` : error.message;
      // under a forced format, content that does not fit is malformed input, not an unknown format
      const kind = forcedFormat && error.kind === 'unknown_format' ? 'malformed' : error.kind;
      if (kind === error.kind && message === error.message) throw error;
      throw new AdvisorInputError(kind, message, error.errors);
    }
  });
  const upload = mergeParts(parsed);
  const usable = upload.runs.filter(isUsable);
  if (usable.length === 0) {
    throw new AdvisorInputError('unusable', 'the upload has no loss series (and no model topology) to analyse');
  }
  if (usable.length < upload.runs.length) {
    upload.warnings.push(`${upload.runs.length - usable.length} run(s) without any loss values were left out`);
  }
  for (const log of usable) alignSeries(log);
  return { runs: usable, warnings: upload.warnings };
}
