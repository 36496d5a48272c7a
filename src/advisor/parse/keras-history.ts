/**
 * `keras-history`: `json.dump(model.fit(...).history)` — `{"loss":[…],"val_loss":[…]}`, optionally wrapped as
 * `{"history":{…}}`.
 */
import { AdvisorInputError, type ParsedUpload, type Series } from '../types';
import { addSeries, assertSeriesCount, collectErrors, createLog } from './log';
import { decodeText, parseLenientJson, parseMetricValue } from './text';

/** Keys of a pickled/serialised History object that are not metrics. */
const NON_METRIC_KEYS = new Set(['epoch', 'epochs', 'params', 'model', 'validation_data']);

/** The metric dictionary of a History upload: the object itself or its `history` member. */
export function historyMetrics(doc: unknown): Record<string, unknown> | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const record = doc as Record<string, unknown>;
  const inner = record.history;
  if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) return inner as Record<string, unknown>;
  return record;
}

/** Whether every element is a number or null. */
function isSeries(values: unknown[]): values is Series {
  for (const v of values) if (typeof v !== 'number' && v !== null) return false;
  return true;
}

/**
 * Parses a Keras History dictionary; `nan`/`inf` given as strings are read as numbers.
 * @example parseKerasHistory(bytes('{"loss":[1.2,0.8],"val_acc":[0.5,0.6]}')).runs[0].metrics.val_accuracy
 *   // [0.5, 0.6]
 */
export function parseKerasHistory(
  bytes: Uint8Array,
  text = decodeText(bytes),
  doc = parseLenientJson(text),
): ParsedUpload {
  const metrics = historyMetrics(doc);
  if (metrics === null) {
    throw new AdvisorInputError('malformed', 'a Keras history must be a JSON object of metric arrays');
  }
  const log = createLog('keras-history', 'epoch');
  const errors = collectErrors();
  const ignored: string[] = [];
  const entries = Object.entries(metrics).filter(([key, v]) => !NON_METRIC_KEYS.has(key) && Array.isArray(v));
  assertSeriesCount(entries.length);
  for (const [key, value] of Object.entries(metrics)) {
    if (!Array.isArray(value)) {
      if (!NON_METRIC_KEYS.has(key) && key !== 'history') ignored.push(key);
      continue;
    }
    if (NON_METRIC_KEYS.has(key)) continue;
    if (isSeries(value)) {
      addSeries(log, key, value); // the usual history: the parsed array is the series, no copy
      continue;
    }
    const series: Series = [];
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const parsed = typeof v === 'number' || v === null ? v : typeof v === 'string' ? parseMetricValue(v) : undefined;
      if (parsed === undefined) {
        errors.add(`${key}.${i}`, `${String(JSON.stringify(v)).slice(0, 40)} is not a number`);
        series.push(null);
      } else series.push(parsed);
    }
    addSeries(log, key, series);
  }
  errors.throwIfAny('the Keras history has values that are not numbers');
  if (ignored.length > 0) {
    log.warnings.push(`ignored keys that are not metric arrays: ${ignored.slice(0, 10).join(', ')}`);
  }
  return { runs: [log], warnings: [] };
}
