/**
 * `hf-trainer-state`: Hugging Face `trainer_state.json` (`log_history`), a bare `log_history` array, or the
 * `{'loss': …, 'epoch': …}` dicts the Trainer prints to the console (also quoted in notes and markdown).
 * Grouped per epoch when every entry has one and each epoch has at most one evaluation (training values
 * averaged per epoch, evaluation values as logged); otherwise one point per logged step.
 */
import { AdvisorInputError, type ParsedUpload, type Series, type TrainingLog } from '../types';
import { addSeries, assertSeriesLength, createLog, meanOf } from './log';
import { decodeText, extractObjectLiterals, parseLenientJson } from './text';

/** Entry keys that describe the logging itself, not the model. */
const BOOKKEEPING =
  /(?:^|_)(?:runtime|samples_per_second|steps_per_second|flos|num_input_tokens_seen)$|^(?:epoch|step|total_flos)$/;

interface Entry {
  epoch: number | null;
  step: number | null;
  evaluation: boolean;
  metrics: Record<string, number | null>;
}

/** Entries of the final summary (`train_runtime`, average `train_loss`) would read as one more training point. */
function isSummaryEntry(entry: Record<string, unknown>): boolean {
  return 'train_runtime' in entry || 'total_flos' in entry;
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

function toEntries(history: unknown[]): Entry[] {
  const entries: Entry[] = [];
  for (const raw of history) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) continue;
    const record = raw as Record<string, unknown>;
    if (isSummaryEntry(record)) continue;
    const metrics: Record<string, number | null> = {};
    let evaluation = false;
    for (const [key, value] of Object.entries(record)) {
      if (BOOKKEEPING.test(key) || (typeof value !== 'number' && value !== null)) continue;
      if (key.startsWith('eval_')) evaluation = true;
      metrics[key] = value;
    }
    if (Object.keys(metrics).length === 0) continue;
    entries.push({ epoch: numberOrNull(record.epoch), step: numberOrNull(record.step), evaluation, metrics });
  }
  return entries;
}

/** HF epochs are fractional and count the end of an epoch as N.0: 0.16…1.0 is epoch index 0. */
function epochIndexOf(epoch: number): number {
  return Math.max(0, Math.ceil(epoch - 1e-6) - 1);
}

/** Whether epochs are a sound x axis: all known, no empty epoch inside the range, one evaluation per epoch at most. */
function canGroupByEpoch(entries: Entry[]): boolean {
  if (entries.some((e) => e.epoch === null || !Number.isFinite(e.epoch) || e.epoch < 0)) return false;
  const indexes = entries.map((e) => epochIndexOf(e.epoch as number));
  const max = indexes.reduce((a, b) => Math.max(a, b), 0);
  if (max >= 1_000_000) return false;
  const seen = new Set(indexes);
  for (let i = 0; i <= max; i++) if (!seen.has(i)) return false;
  const evaluations = entries.filter((e) => e.evaluation).map((e) => epochIndexOf(e.epoch as number));
  return new Set(evaluations).size === evaluations.length;
}

function buildLog(entries: Entry[]): TrainingLog {
  const byEpoch = canGroupByEpoch(entries);
  const log = createLog('hf-trainer-state', byEpoch ? 'epoch' : 'step');
  let keys: number[];
  let keyOf: (e: Entry, i: number) => number;
  if (byEpoch) {
    keyOf = (e) => epochIndexOf(e.epoch as number);
    keys = [...new Set(entries.map(keyOf))].sort((a, b) => a - b);
  } else {
    // one point per logged step (entry order when steps are missing); train and eval at the same step share it
    keyOf = (e, i) => e.step ?? i;
    keys = [...new Set(entries.map(keyOf))].sort((a, b) => a - b);
  }
  assertSeriesLength(keys.length, 'log_history');
  const position = new Map(keys.map((k, i) => [k, i]));
  const collected = new Map<string, Array<Array<number | null>>>();
  entries.forEach((entry, i) => {
    const at = position.get(keyOf(entry, i)) as number;
    for (const [name, value] of Object.entries(entry.metrics)) {
      let buckets = collected.get(name);
      if (buckets === undefined) {
        buckets = keys.map(() => []);
        collected.set(name, buckets);
      }
      buckets[at].push(value);
    }
  });
  for (const [name, buckets] of collected) {
    const isEvaluation = name.startsWith('eval_');
    const series: Series = buckets.map((values) => {
      const numbers = values.filter((v): v is number => v !== null);
      if (numbers.length === 0) return null;
      return isEvaluation ? numbers[numbers.length - 1] : meanOf(numbers);
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

/** The log_history array inside whatever was uploaded. */
function historyOf(text: string): { history: unknown[]; state: Record<string, unknown> | null; fromText: boolean } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc: unknown;
    try {
      doc = parseLenientJson(trimmed);
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
export function parseHfTrainerState(bytes: Uint8Array, text = decodeText(bytes)): ParsedUpload {
  const { history, state, fromText } = historyOf(text);
  const entries = toEntries(history);
  if (entries.length === 0) {
    const what = fromText ? 'no Trainer log entries found in the text' : '`log_history` has no metric entries';
    throw new AdvisorInputError('malformed', what);
  }
  const log = buildLog(entries);
  if (state) runInfoOf(state, log);
  if (fromText) log.warnings.push(`read ${entries.length} Trainer log entries from text`);
  return { runs: [log], warnings: [] };
}
