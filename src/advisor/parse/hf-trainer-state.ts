/**
 * `hf-trainer-state`: Hugging Face `trainer_state.json` (`log_history`), a bare `log_history` array, or the
 * `{'loss': …, 'epoch': …}` dicts the Trainer prints to the console (also quoted in notes and markdown).
 * Grouped per epoch when every entry has one and each epoch has at most one evaluation (training values
 * averaged per epoch, evaluation values as logged); otherwise one point per logged step.
 */
import { AdvisorInputError, type ParsedUpload, type Series, type TrainingLog } from '../types';
import { addSeries, assertSeriesLength, createLog } from './log';
import { decodeText, extractObjectLiterals, parseLenientJson } from './text';

/** Entry keys that describe the logging itself, not the model. */
const BOOKKEEPING =
  /(?:^|_)(?:runtime|samples_per_second|steps_per_second|flos|num_input_tokens_seen)$|^(?:epoch|step|total_flos)$/;

interface Entry {
  epoch: number | null;
  step: number | null;
  evaluation: boolean;
  /** The logged entry; its metrics are the keys `isMetric` accepts. */
  record: Record<string, unknown>;
}

/**
 * A test of whether an entry key holds a metric value, remembering its answer per key: the same few keys repeat
 * in every entry, and a regex per key of a long log_history was a large part of parsing it.
 */
function metricTest(): (key: string, value: unknown) => boolean {
  const bookkeeping = new Map<string, boolean>();
  return (key, value) => {
    if (typeof value !== 'number' && value !== null) return false;
    let answer = bookkeeping.get(key);
    if (answer === undefined) {
      // `__proto__` cannot be a metric name: assigning it to a plain object does not create a key
      answer = BOOKKEEPING.test(key) || key === '__proto__';
      bookkeeping.set(key, answer);
    }
    return !answer;
  };
}

/** Entries of the final summary (`train_runtime`, average `train_loss`) would read as one more training point. */
function isSummaryEntry(entry: Record<string, unknown>): boolean {
  return 'train_runtime' in entry || 'total_flos' in entry;
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

function toEntries(history: unknown[], isMetric: ReturnType<typeof metricTest>): Entry[] {
  const entries: Entry[] = [];
  for (const raw of history) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) continue;
    const record = raw as Record<string, unknown>;
    if (isSummaryEntry(record)) continue;
    let metrics = 0;
    let evaluation = false;
    // for…in, not Object.keys: no array per entry (a parsed JSON object has no inherited enumerable keys)
    for (const key in record) {
      if (!isMetric(key, record[key])) continue;
      metrics++;
      if (key.startsWith('eval_')) evaluation = true;
    }
    if (metrics === 0) continue;
    entries.push({ epoch: numberOrNull(record.epoch), step: numberOrNull(record.step), evaluation, record });
  }
  return entries;
}

/** HF epochs are fractional and count the end of an epoch as N.0: 0.16…1.0 is epoch index 0. */
function epochIndexOf(epoch: number): number {
  return Math.max(0, Math.ceil(epoch - 1e-6) - 1);
}

/** Most epochs grouped by: bounds the per-epoch bookkeeping (an `epoch` of 1e12 falls back to steps). */
const MAX_EPOCHS = 1_000_000;

/** Whether epochs are a sound x axis: all known, no empty epoch inside the range, one evaluation per epoch at most. */
function canGroupByEpoch(entries: Entry[]): boolean {
  if (entries.some((e) => e.epoch === null || !Number.isFinite(e.epoch) || e.epoch < 0)) return false;
  let max = 0;
  for (const e of entries) max = Math.max(max, epochIndexOf(e.epoch as number));
  if (max >= MAX_EPOCHS) return false;
  const seen = new Uint8Array(max + 1);
  const evaluated = new Uint8Array(max + 1);
  for (const e of entries) {
    const index = epochIndexOf(e.epoch as number);
    seen[index] = 1;
    if (e.evaluation) {
      if (evaluated[index]) return false;
      evaluated[index] = 1;
    }
  }
  return seen.every((s) => s === 1);
}

/** Per point of one metric: the sum, count and last of its non-null values. */
interface PointValues {
  sum: Float64Array;
  count: Float64Array;
  last: Float64Array;
}

function buildLog(entries: Entry[], isMetric: ReturnType<typeof metricTest>): TrainingLog {
  const byEpoch = canGroupByEpoch(entries);
  const log = createLog('hf-trainer-state', byEpoch ? 'epoch' : 'step');
  // by epoch; else one point per logged step (entry order when steps are missing), train and eval sharing it
  const keyOf = byEpoch ? (e: Entry) => epochIndexOf(e.epoch as number) : (e: Entry, i: number) => e.step ?? i;
  const keys = [...new Set(entries.map(keyOf))].sort((a, b) => a - b);
  assertSeriesLength(keys.length, 'log_history');
  const position = new Map<number, number>();
  keys.forEach((k, i) => position.set(k, i));
  const collected = new Map<string, PointValues>();
  entries.forEach((entry, i) => {
    const at = position.get(keyOf(entry, i)) as number;
    const { record } = entry;
    for (const name in record) {
      const value = record[name];
      if (!isMetric(name, value)) continue;
      let values = collected.get(name);
      if (values === undefined) {
        const size = keys.length;
        values = { sum: new Float64Array(size), count: new Float64Array(size), last: new Float64Array(size) };
        collected.set(name, values);
      }
      if (value === null) continue;
      values.sum[at] += value as number;
      values.count[at]++;
      values.last[at] = value as number;
    }
  });
  for (const [name, { sum, count, last }] of collected) {
    // evaluation values as logged (the last one); training values averaged per point
    const isEvaluation = name.startsWith('eval_');
    const series: Series = keys.map((_, at) => {
      if (count[at] === 0) return null;
      return isEvaluation ? last[at] : sum[at] / count[at];
    });
    addSeries(log, name, series);
  }
  return log;
}

/** Reads `num_train_epochs`, `train_batch_size` into the run description. */
function runInfoOf(state: Record<string, unknown>, log: TrainingLog): void {
  if (typeof state.num_train_epochs === 'number') log.run.epochs = state.num_train_epochs;
  if (typeof state.train_batch_size === 'number') log.run.batchSize = state.train_batch_size;
}

/** The log_history array inside whatever was uploaded (`json`: the document, when sniffing already parsed it). */
function historyOf(
  text: string,
  json: unknown,
): { history: unknown[]; state: Record<string, unknown> | null; fromText: boolean } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc = json;
    try {
      doc ??= parseLenientJson(trimmed);
    } catch {
      doc = undefined;
    }
    if (Array.isArray(doc)) return { history: doc, state: null, fromText: false };
    if (typeof doc === 'object' && doc !== null) {
      const state = doc as Record<string, unknown>;
      if (Array.isArray(state.log_history)) return { history: state.log_history, state, fromText: false };
      if (state.log_history !== undefined) throw new AdvisorInputError('malformed', '`log_history` must be an array');
      return { history: [state], state: null, fromText: true }; // one printed log entry
    }
  }
  return { history: extractObjectLiterals(text), state: null, fromText: true };
}

/**
 * Parses trainer_state.json (or Trainer console dicts).
 * @example
 * const state = '{"log_history":[{"loss":0.7,"epoch":0.5,"step":10},{"eval_loss":0.6,"epoch":1.0,"step":20}]}';
 * parseHfTrainerState(bytes(state)).runs[0].metrics // { loss: [0.7], val_loss: [0.6] }
 */
export function parseHfTrainerState(bytes: Uint8Array, text = decodeText(bytes), json?: unknown): ParsedUpload {
  const { history, state, fromText } = historyOf(text, json);
  const isMetric = metricTest();
  const entries = toEntries(history, isMetric);
  if (entries.length === 0) {
    const what = fromText ? 'no Trainer log entries found in the text' : '`log_history` has no metric entries';
    throw new AdvisorInputError('malformed', what);
  }
  const log = buildLog(entries, isMetric);
  if (state) runInfoOf(state, log);
  if (fromText) log.warnings.push(`read ${entries.length} Trainer log entries from text`);
  return { runs: [log], warnings: [] };
}
