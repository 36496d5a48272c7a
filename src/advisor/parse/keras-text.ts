/**
 * `keras-text`: console output of `model.fit` — `Epoch 3/20` then progress lines
 * (`1875/1875 [====] - 5s 3ms/step - loss: 0.3 - val_loss: 0.4`, or Keras 3's `━━━━ … - loss: 0.3`); only the
 * last metrics line of each epoch counts. Without `Epoch N/M` lines, a generic fallback reads one epoch per line
 * from logs such as `Epoch [001/30] TrainLoss=1.87 TrainAcc=48.5% | ValLoss=1.30 …` or
 * `epoch 3 loss 0.5 val_loss 0.6`.
 * Epochs going back are split into runs or treated as resumes as documented in ./epochs.ts.
 */
import { AdvisorInputError, type ParsedUpload, type TrainingLog } from '../types';
import { canonicalMetricName, isLossName } from './aliases';
import { appendedRunsWarning, runsOfEpochs } from './epochs';
import { addSeries, assertSeriesLength, createLog, SeriesBuilder } from './log';
import { RecordColumns } from './record-columns';
import { epochLineAt, isPlainAsciiLine, KerasPairs } from './keras-text-bytes';
import { decodeUtf8Slice, hasByteOrderMark, parseMetricValue, someLine, splitLines, textChunks } from './text';

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?)`;
/** `Epoch 3/20` alone on its line (Keras prints it before the progress bar). */
const KERAS_EPOCH_LINE = /^\s*Epoch\s+(\d+)\s*\/\s*(\d+)\s*$/;
/** ` - loss: 0.3` pairs of a Keras progress line. */
const KERAS_METRIC_SOURCE = String.raw`(?:^|\s)-\s+([A-Za-z_][\w./]*):\s+(${NUMBER})(?![\w.])`;
const KERAS_METRIC = new RegExp(KERAS_METRIC_SOURCE, 'gi');
/** Whether a line has a Keras metric pair (the same pattern, for `test`). */
const HAS_KERAS_METRIC = new RegExp(KERAS_METRIC_SOURCE, 'i');
/** An epoch marker in a generic log line: `Epoch 3`, `epoch: 3`, `Epoch [003/30]`, `epoch=3/30`. */
const GENERIC_EPOCH = /\bepoch\b\s*[\s:=#[(]\s*(\d+)(?:\s*(?:\/|of)\s*\d+)?\s*[\])]?/i;
/** `key=value`, `key: value`, `Key Name: value%` pairs of a generic log line. */
const GENERIC_METRIC = new RegExp(
  String.raw`([A-Za-z][\w\-]*(?: [A-Za-z][\w\-]*)?)\s*(?:[:=]\s*|\s+)(${NUMBER})(%?)(?![\w.])`,
  'gi',
);
/** Keys that are bookkeeping, not metrics. */
const NOT_METRICS = /^(?:epoch|epochs|step|steps|batch|iter|iteration|time|eta|elapsed|seconds|it|sec|s|ms)$/i;
/** Whitespace-separated pairs (`loss 0.5`) only count for names that are clearly metrics. */
const METRIC_WORDS = /loss|acc|lr|learning|auc|f1|precision|recall|error|mae|mse/i;
/** Lines about checkpoints quote an old epoch (`Loaded best model (epoch=20, val_loss=1.05)`): not a new record. */
const CHECKPOINT_LINE = /checkpoint|\b(?:saved|saving|loaded|loading|restored|restoring)\b/i;
/** Longest line read: log lines are short; the bound keeps regex work per line small on hostile input. */
const MAX_LINE_CHARS = 10_000;

/** One line's metrics by name, in the order they appear (a name seen twice keeps its place and the later value). */
type Metrics = Map<string, number | null>;

/** `TrainLoss` → `train_loss`, `Val Acc` → `val_acc`, `LR` → `lr`, `val-loss` → `val_loss`. */
function snakeCase(key: string): string {
  const spaced = key.trim().replace(/[\s-]+/g, '_');
  if (spaced === spaced.toUpperCase()) return spaced.toLowerCase();
  return spaced.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function kerasMetrics(line: string): Metrics | null {
  const metrics: Metrics = new Map();
  let found = false;
  // an exec loop: matchAll copies the regex on every call, which showed on a hundred thousand lines
  KERAS_METRIC.lastIndex = 0;
  for (let m = KERAS_METRIC.exec(line); m !== null; m = KERAS_METRIC.exec(line)) {
    // `__proto__` never became a metric while metrics were plain objects (assigning it creates no key)
    if (m[1] !== '__proto__') metrics.set(m[1], parseMetricValue(m[2]) ?? null);
    found = true;
  }
  return found ? metrics : null;
}

function genericMetrics(line: string): Metrics | null {
  const metrics: Metrics = new Map();
  let found = false;
  GENERIC_METRIC.lastIndex = 0;
  for (let m = GENERIC_METRIC.exec(line); m !== null; m = GENERIC_METRIC.exec(line)) {
    const separatedByWhitespace = !/[:=]/.test(m[0].slice(m[1].length));
    if (NOT_METRICS.test(m[1]) || (separatedByWhitespace && !METRIC_WORDS.test(m[1]))) continue;
    const value = parseMetricValue(m[2]);
    if (value === undefined) continue;
    // `48.54%` is an accuracy in percent: stored as the fraction Keras would log
    metrics.set(snakeCase(m[1]), m[3] === '%' && value !== null ? value / 100 : value);
    found = true;
  }
  return found ? metrics : null;
}

/** Epoch records read from lines: the epoch of each and its metrics, as columns. */
interface EpochRecords {
  epochs: SeriesBuilder;
  metrics: RecordColumns;
}

function addRecord(records: EpochRecords, epoch: number, metrics: Metrics): void {
  for (const [name, value] of metrics) records.metrics.set(name, value);
  records.metrics.end();
  records.epochs.push(epoch);
}

const LF = 0x0a;

/**
 * Keras output as its lines come: each `Epoch N/M` line closes the previous epoch, whose record is its last metrics
 * line (only that one is parsed: progress bars print many).
 */
class KerasEpochs {
  epoch: number | null = null;
  /** The open epoch's last metrics line: its text, or where its bytes start in `bytes`; null before there is one. */
  private last: string | number | null = null;
  private readonly pairs = new KerasPairs();
  /** `metricsAt`'s map, reused: each record is added as soon as it is read. */
  private readonly metrics: Metrics = new Map();

  constructor(
    private readonly records: EpochRecords,
    private readonly warnings: string[],
    private readonly bytes: Uint8Array = new Uint8Array(0),
  ) {}

  start(epoch: number): void {
    this.close();
    this.epoch = epoch;
    this.last = null;
  }

  /** Reads one line of text. */
  line(line: string): void {
    const header = kerasEpochOf(line);
    if (header !== null) this.start(header);
    else if (this.epoch !== null && HAS_KERAS_METRIC.test(line)) this.last = line;
  }

  /** Reads the plain ASCII line `bytes[start, end)` (`isPlainAsciiLine`) that is not an `Epoch N/M` line. */
  plainLine(start: number, end: number): void {
    if (this.epoch !== null && this.pairs.find(this.bytes, start, start, end)) this.last = start;
  }

  close(): void {
    const { epoch, last } = this;
    if (epoch === null) return;
    if (last === null) this.warnings.push(`epoch ${epoch} has no metrics line (interrupted?) and was skipped`);
    else addRecord(this.records, epoch, typeof last === 'string' ? (kerasMetrics(last) as Metrics) : this.metricsAt(last));
  }

  /** The metrics of the plain ASCII line that starts at `start` in `bytes`. */
  private metricsAt(start: number): Metrics {
    const lf = this.bytes.indexOf(LF, start);
    this.metrics.clear();
    this.pairs.readAll(this.bytes, start, lf === -1 ? this.bytes.length : lf, this.metrics);
    return this.metrics;
  }
}

/**
 * Reads UTF-8 console output line by line from its bytes: `Epoch N/M` and plain ASCII lines in place, any other line
 * decoded and read as text (a line never spans a `\n` byte, whatever else ends it).
 */
function readKerasBytes(bytes: Uint8Array, epochs: KerasEpochs): void {
  for (let start = 0; start < bytes.length; ) {
    let lf = bytes.indexOf(LF, start);
    if (lf === -1) lf = bytes.length;
    const short = lf - start <= MAX_LINE_CHARS;
    const epoch = short ? epochLineAt(bytes, start, lf) : null;
    if (epoch !== null) epochs.start(epoch);
    else if (!isPlainAsciiLine(bytes, start, lf)) {
      forEachConsoleLine([decodeUtf8Slice(bytes.subarray(start, lf + 1))], (line) => epochs.line(line));
    } else if (short) epochs.plainLine(start, lf);
    start = lf + 1;
  }
}

/**
 * Epoch records from Keras output (its bytes, or its text in pieces): the last metrics line after each `Epoch N/M`
 * line. False when there is no `Epoch N/M` line at all.
 */
function readKerasRecords(source: Iterable<string> | Uint8Array, records: EpochRecords, warnings: string[]): boolean {
  const bytes = source instanceof Uint8Array ? source : undefined;
  const epochs = new KerasEpochs(records, warnings, bytes);
  if (bytes) readKerasBytes(bytes, epochs);
  else forEachConsoleLine(source as Iterable<string>, (line) => epochs.line(line));
  epochs.close();
  return epochs.epoch !== null;
}

/** Whether `text[start, end)` is a run of digits. */
function isDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return start < end;
}

/** The epoch of a Keras `Epoch N/M` line, or null for any other line. */
function kerasEpochOf(line: string): number | null {
  // `Epoch 3/20` exactly as Keras prints it, read by hand: a regex per line showed on a hundred thousand epochs
  const slash = line.startsWith('Epoch ') ? line.indexOf('/') : -1;
  if (slash !== -1 && isDigits(line, 6, slash) && isDigits(line, slash + 1, line.length)) {
    return Number(line.slice(6, slash));
  }
  // other spacing: most lines are progress lines, which a substring search rules out faster than the regex
  const header = line.includes('Epoch') ? KERAS_EPOCH_LINE.exec(line) : null;
  return header ? Number(header[1]) : null;
}

/** A generic log line's epoch and metrics: a line with an epoch marker and at least one loss-like value. */
function genericRecord(line: string): { epoch: number; metrics: Metrics } | null {
  const marker = GENERIC_EPOCH.exec(line);
  if (!marker || CHECKPOINT_LINE.test(line) || line[marker.index - 1] === '(') return null;
  const rest = line.slice(0, marker.index) + ' ' + line.slice(marker.index + marker[0].length);
  const metrics = genericMetrics(rest) ?? kerasMetrics(rest);
  if (!metrics || ![...metrics.keys()].some((k) => isLossName(canonicalMetricName(k)))) return null;
  return { epoch: Number(marker[1]), metrics };
}

/** Whether text has Keras' `Epoch N/M` lines (used by sniffing). */
export function hasKerasEpochLines(text: string): boolean {
  return someLine(text, (l) => kerasEpochOf(l) !== null);
}

/** Whether text has generic `epoch N … loss X` lines (used by sniffing, after the other text formats). */
export function hasGenericEpochLines(text: string): boolean {
  const lines = splitLines(text).slice(0, 20_000);
  return lines.some((l) => l.length <= MAX_LINE_CHARS && genericRecord(l) !== null);
}

/**
 * Calls `visit` with each line of console text, piece by piece: backspaces (progress bars redrawing) end lines
 * too, and overlong lines are left out.
 */
function forEachConsoleLine(chunks: Iterable<string>, visit: (line: string) => void): void {
  for (const chunk of chunks) {
    const text = chunk.includes('\b') ? chunk.replace(/[\b]+/g, '\n') : chunk;
    for (const line of splitLines(text)) if (line.length <= MAX_LINE_CHARS) visit(line);
  }
}

/** The run made of the given records (all by default). */
function buildLog(metrics: RecordColumns, indexes?: number[]): TrainingLog {
  const log = createLog('keras-text', 'epoch');
  assertSeriesLength(indexes ? indexes.length : metrics.length, 'epochs');
  for (const name of metrics.namesOf(indexes)) addSeries(log, name, metrics.series(name, indexes));
  return log;
}

/**
 * Parses console output into one run per training run.
 * @example parseKerasText(bytes('Epoch 1/2\n10/10 [===] - 1s - loss: nan - accuracy: 0.1\n')).runs[0].metrics.loss
 *   // [NaN]
 */
export function parseKerasText(bytes: Uint8Array, text?: string): ParsedUpload {
  const chunks = text !== undefined ? [text] : textChunks(bytes);
  const warnings: string[] = [];
  const records: EpochRecords = { epochs: new SeriesBuilder(), metrics: new RecordColumns() };
  const keras = readKerasRecords(text === undefined && !hasByteOrderMark(bytes) ? bytes : chunks, records, warnings);
  if (!keras) {
    forEachConsoleLine(chunks, (line) => {
      const record = genericRecord(line);
      if (record) addRecord(records, record.epoch, record.metrics);
    });
  }
  if (records.metrics.length === 0) {
    const what = keras
      ? 'no epoch of the Keras output has a metrics line'
      : 'no line with an epoch number and a loss value was found';
    throw new AdvisorInputError('malformed', what);
  }
  const runs = runsOfEpochs(records.epochs, (indexes) => buildLog(records.metrics, indexes));
  if (runs.length > 1) warnings.push(appendedRunsWarning(runs.length, 'the epoch count restarts'));
  return { runs, warnings };
}
