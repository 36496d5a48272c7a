/**
 * A Hugging Face `log_history` → one point per epoch (training values averaged, evaluation values as logged) when
 * every entry has an epoch and each epoch has at most one evaluation; otherwise one point per logged step.
 * Entries come from a parsed JSON array or straight from a trainer_state.json's bytes (./trainer-state-reader.ts),
 * and are never kept: a long log_history has hundreds of thousands, and objects per entry were most of its parsing.
 */
import { AdvisorInputError, type TrainingLog } from '../types';
import { addSeries, assertSeriesLength, createLog, SeriesBuilder, seriesOf, withRoom } from './log';

/**
 * One log_history entry: its keys in order, and their values as far as they matter here (undefined: not a number).
 * Sources fill one object again for every entry (`clear`, then `add`): no arrays per entry.
 */
export class LogEntry {
  readonly keys: string[] = [];
  readonly values: Array<number | null | undefined> = [];
  size = 0;

  clear(): void {
    this.size = 0;
  }

  add(key: string, value: number | null | undefined): void {
    this.keys[this.size] = key;
    this.values[this.size++] = value;
  }

  has(key: string): boolean {
    for (let i = 0; i < this.size; i++) if (this.keys[i] === key) return true;
    return false;
  }
}

/**
 * The entries of a log_history, visited in order (visiting again reads them again). False when the source gave up
 * part-way (a reader for the usual file only): the caller then throws away what it was given.
 */
export type LogEntries = (visit: (entry: LogEntry) => void) => boolean;

/** The entries of a parsed log_history array: its objects' own keys in order (other elements are not entries). */
export function entriesOf(history: unknown[]): LogEntries {
  return (visit) => {
    const entry = new LogEntry();
    for (const raw of history) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) continue;
      entry.clear();
      const record = raw as Record<string, unknown>;
      // for…in, not Object.keys: no array per entry (a parsed JSON object has no inherited enumerable keys)
      for (const key in record) {
        const value = record[key];
        entry.add(key, typeof value === 'number' || value === null ? value : undefined);
      }
      visit(entry);
    }
    return true;
  };
}

/** Entry keys that describe the logging itself, not the model. */
const BOOKKEEPING =
  /(?:^|_)(?:runtime|samples_per_second|steps_per_second|flos|num_input_tokens_seen)$|^(?:epoch|step|total_flos)$/;

/**
 * A test of whether an entry key names a metric, remembering its answer per key: the same few keys repeat in every
 * entry (as the same strings), and a regex per key of a long log_history was a large part of parsing it.
 */
function metricNameTest(): (key: string) => boolean {
  const keys: string[] = [];
  const answers: boolean[] = [];
  return (key) => {
    // a short list compared by identity beats a map lookup for the handful of keys a log has
    const known = keys.indexOf(key);
    if (known !== -1) return answers[known];
    // `__proto__` cannot be a metric name: assigning it to a plain object does not create a key
    const answer = !BOOKKEEPING.test(key) && key !== '__proto__';
    if (keys.length < MAX_REMEMBERED_KEYS) {
      keys.push(key);
      answers.push(answer);
    }
    return answer;
  };
}

/** Keys whose answer is remembered: far more than a log_history has. */
const MAX_REMEMBERED_KEYS = 64;

/** An entry that counts: not the final summary, with at least one metric. */
interface AcceptedEntry {
  /** Its number among accepted entries. */
  index: number;
  epoch: number | null;
  step: number | null;
  evaluation: boolean;
  entry: LogEntry;
  /** Per key of the entry, whether it is a metric. */
  isMetric: boolean[];
}

/**
 * Visits the entries that count, with their epoch, step, whether they are an evaluation and which keys are metrics:
 * `isMetricName` names, with a number or null. Only those are aggregated.
 * @returns the number of entries that count; -1 when the source gave up
 */
function forEachAccepted(
  entries: LogEntries,
  isMetricName: (key: string) => boolean,
  visit: (accepted: AcceptedEntry) => void,
): number {
  const accepted: AcceptedEntry = {
    index: 0,
    epoch: null,
    step: null,
    evaluation: false,
    entry: new LogEntry(),
    isMetric: [],
  };
  let count = 0;
  const complete = entries((entry) => {
    // the final summary (`train_runtime`, average `train_loss`) would read as one more training point
    if (entry.has('train_runtime') || entry.has('total_flos')) return;
    const { keys, values } = entry;
    let metrics = 0;
    let evaluation = false;
    let epoch: number | null = null;
    let step: number | null = null;
    for (let i = 0; i < entry.size; i++) {
      const key = keys[i];
      const value = values[i];
      if (key === 'epoch') epoch = value ?? null;
      else if (key === 'step') step = value ?? null;
      const isMetric = value !== undefined && isMetricName(key);
      accepted.isMetric[i] = isMetric;
      if (!isMetric) continue;
      metrics++;
      if (key.startsWith('eval_')) evaluation = true;
    }
    if (metrics === 0) return;
    accepted.index = count++;
    accepted.epoch = epoch;
    accepted.step = step;
    accepted.evaluation = evaluation;
    accepted.entry = entry;
    visit(accepted);
  });
  return complete ? count : -1;
}

/** Per point of one metric: the sum of its values (training) or the last one (evaluation), and their count. */
class PointValues {
  values = new Float64Array(64);
  count = new Float64Array(64);

  constructor(readonly isEvaluation: boolean) {}

  add(point: number, value: number): void {
    this.values = withRoom(this.values, point + 1);
    this.count = withRoom(this.count, point + 1);
    this.values[point] = this.isEvaluation ? value : this.values[point] + value;
    this.count[point]++;
  }

  /** The value at each of `points` points: evaluation values as logged, training values averaged. */
  series(points: number): Array<number | null> {
    const { values, count } = this;
    return seriesOf(points, (p) => {
      if (p >= count.length || count[p] === 0) return null;
      return this.isEvaluation ? values[p] : values[p] / count[p];
    });
  }
}

/** Every metric's values per point, metrics in the order they first appear (even when only null). */
class Aggregates {
  private readonly byName = new Map<string, PointValues>();

  add(accepted: AcceptedEntry, point: number): void {
    const { keys, values, size } = accepted.entry;
    for (let i = 0; i < size; i++) {
      const value = values[i];
      if (!accepted.isMetric[i]) continue;
      let points = this.byName.get(keys[i]);
      if (points === undefined) {
        points = new PointValues(keys[i].startsWith('eval_'));
        this.byName.set(keys[i], points);
      }
      if (value !== null) points.add(point, value as number);
    }
  }

  /** A run with every metric's series over `points` points. */
  toLog(xAxis: TrainingLog['xAxis'], points: number): TrainingLog {
    const log = createLog('hf-trainer-state', xAxis);
    for (const [name, values] of this.byName) addSeries(log, name, values.series(points));
    return log;
  }
}

/** HF epochs are fractional and count the end of an epoch as N.0: 0.16…1.0 is epoch index 0. */
function epochIndexOf(epoch: number): number {
  return Math.max(0, Math.ceil(epoch - 1e-6) - 1);
}

/** Most epochs grouped by: bounds the per-epoch bookkeeping (an `epoch` of 1e12 falls back to steps). */
const MAX_EPOCHS = 1_000_000;

/** Whether epochs are a sound x axis: all known, no empty epoch inside the range, one evaluation per epoch at most. */
class EpochAxis {
  sound = true;
  /** Epoch indexes seen (1) and evaluated (2), up to the highest. */
  private marks = new Uint8Array(64);
  private epochs = 0;

  /** Notes an entry; its epoch index while epochs are still sound, else -1. */
  add(epoch: number | null, evaluation: boolean): number {
    if (!this.sound) return -1;
    if (epoch === null || !Number.isFinite(epoch) || epoch < 0 || epochIndexOf(epoch) >= MAX_EPOCHS) {
      this.sound = false;
      return -1;
    }
    const index = epochIndexOf(epoch);
    this.marks = withRoom(this.marks, index + 1);
    this.epochs = Math.max(this.epochs, index + 1);
    if (evaluation && this.marks[index] & EVALUATED) this.sound = false;
    this.marks[index] |= evaluation ? SEEN | EVALUATED : SEEN;
    return this.sound ? index : -1;
  }

  /** The number of epochs when they are a sound x axis, else -1. */
  count(): number {
    if (!this.sound) return -1;
    for (let i = 0; i < this.epochs; i++) if (!(this.marks[i] & SEEN)) return -1;
    return this.epochs;
  }
}
const SEEN = 1;
const EVALUATED = 2;

/** A log_history after one pass over its entries, which groups them by epoch: the usual case. */
export interface HistoryPass {
  entries: LogEntries;
  isMetricName: (key: string) => boolean;
  /** Entries that count. */
  count: number;
  axis: EpochAxis;
  perEpoch: Aggregates;
}

/** Reads a log_history once; null when the source gave up. */
export function readHistory(entries: LogEntries): HistoryPass | null {
  const isMetricName = metricNameTest();
  const axis = new EpochAxis();
  const perEpoch = new Aggregates();
  const count = forEachAccepted(entries, isMetricName, (accepted) => {
    const index = axis.add(accepted.epoch, accepted.evaluation);
    if (index !== -1) perEpoch.add(accepted, index);
  });
  return count === -1 ? null : { entries, isMetricName, count, axis, perEpoch };
}

/**
 * The run of a read log_history: by epoch when epochs are a sound x axis, else by step (its entries read again);
 * `what` names the history in the error when no entry counts.
 * @throws AdvisorInputError('malformed') without metric entries, ('too_large') past the point cap
 */
export function historyRun({ entries, isMetricName, count, axis, perEpoch }: HistoryPass, what: string): TrainingLog {
  if (count === 0) throw new AdvisorInputError('malformed', what);
  const epochs = axis.count();
  return epochs !== -1 ? perEpoch.toLog('epoch', epochs) : byStep(entries, isMetricName);
}

/** One point per logged step (entry order when steps are missing), training and evaluation sharing it. */
function byStep(entries: LogEntries, isMetricName: (key: string) => boolean): TrainingLog {
  const stepOf = new SeriesBuilder();
  forEachAccepted(entries, isMetricName, ({ index, step }) => stepOf.push(step ?? index));
  const steps = stepOf.toSeries() as number[];
  const keys = [...new Set(steps)].sort((a, b) => a - b);
  assertSeriesLength(keys.length, 'log_history');
  const position = new Map<number, number>();
  keys.forEach((k, i) => position.set(k, i));
  const perStep = new Aggregates();
  forEachAccepted(entries, isMetricName, (accepted) => perStep.add(accepted, position.get(steps[accepted.index]) as number));
  return perStep.toLog('step', keys.length);
}
