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
import { appendedRunsWarning, type EpochRecord, resumeWarning, splitEpochRuns } from './epochs';
import { addSeries, assertSeriesLength, createLog } from './log';
import { decodeText, parseMetricValue, someLine, splitLines } from './text';

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?)`;
/** `Epoch 3/20` alone on its line (Keras prints it before the progress bar). */
const KERAS_EPOCH_LINE = /^\s*Epoch\s+(\d+)\s*\/\s*(\d+)\s*$/;
/** ` - loss: 0.3` pairs of a Keras progress line. */
const KERAS_METRIC = new RegExp(String.raw`(?:^|\s)-\s+([A-Za-z_][\w./]*):\s+(${NUMBER})(?![\w.])`, 'gi');
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

type Metrics = Record<string, number | null>;

/** `TrainLoss` → `train_loss`, `Val Acc` → `val_acc`, `LR` → `lr`, `val-loss` → `val_loss`. */
function snakeCase(key: string): string {
  const spaced = key.trim().replace(/[\s-]+/g, '_');
  if (spaced === spaced.toUpperCase()) return spaced.toLowerCase();
  return spaced.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function kerasMetrics(line: string): Metrics | null {
  const metrics: Metrics = {};
  let found = false;
  for (const m of line.matchAll(KERAS_METRIC)) {
    metrics[m[1]] = parseMetricValue(m[2]) ?? null;
    found = true;
  }
  return found ? metrics : null;
}

function genericMetrics(line: string): Metrics | null {
  const metrics: Metrics = {};
  let found = false;
  for (const m of line.matchAll(GENERIC_METRIC)) {
    const separatedByWhitespace = !/[:=]/.test(m[0].slice(m[1].length));
    if (NOT_METRICS.test(m[1]) || (separatedByWhitespace && !METRIC_WORDS.test(m[1]))) continue;
    const value = parseMetricValue(m[2]);
    if (value === undefined) continue;
    // `48.54%` is an accuracy in percent: stored as the fraction Keras would log
    metrics[snakeCase(m[1])] = m[3] === '%' && value !== null ? value / 100 : value;
    found = true;
  }
  return found ? metrics : null;
}

/** Epoch records from Keras output: the last metrics line after each `Epoch N/M` line. */
function kerasRecords(lines: string[], warnings: string[]): Array<EpochRecord<Metrics>> {
  const records: Array<EpochRecord<Metrics>> = [];
  let epoch: number | null = null;
  let last: Metrics | null = null;
  const close = (): void => {
    if (epoch === null) return;
    if (last) records.push({ epoch, value: last });
    else warnings.push(`epoch ${epoch} has no metrics line (interrupted?) and was skipped`);
  };
  for (const line of lines) {
    const header = KERAS_EPOCH_LINE.exec(line);
    if (header) {
      close();
      epoch = Number(header[1]);
      last = null;
      continue;
    }
    if (epoch === null) continue;
    const metrics = kerasMetrics(line);
    if (metrics) last = metrics;
  }
  close();
  return records;
}

/** Epoch records from generic logs: lines with an epoch marker and at least one loss-like value. */
function genericRecords(lines: string[]): Array<EpochRecord<Metrics>> {
  const records: Array<EpochRecord<Metrics>> = [];
  for (const line of lines) {
    const marker = GENERIC_EPOCH.exec(line);
    if (!marker || CHECKPOINT_LINE.test(line) || line[marker.index - 1] === '(') continue;
    const rest = line.slice(0, marker.index) + ' ' + line.slice(marker.index + marker[0].length);
    const metrics = genericMetrics(rest) ?? kerasMetrics(rest);
    if (!metrics || !Object.keys(metrics).some((k) => isLossName(canonicalMetricName(k)))) continue;
    records.push({ epoch: Number(marker[1]), value: metrics });
  }
  return records;
}

/** Whether text has Keras' `Epoch N/M` lines (used by sniffing). */
export function hasKerasEpochLines(text: string): boolean {
  return someLine(text, (l) => KERAS_EPOCH_LINE.test(l));
}

/** Whether text has generic `epoch N … loss X` lines (used by sniffing, after the other text formats). */
export function hasGenericEpochLines(text: string): boolean {
  const lines = splitLines(text);
  return genericRecords(lines.slice(0, 20_000).filter((l) => l.length <= MAX_LINE_CHARS)).length > 0;
}

function buildLog(records: Array<EpochRecord<Metrics>>): TrainingLog {
  const log = createLog('keras-text', 'epoch');
  assertSeriesLength(records.length, 'epochs');
  const names: string[] = [];
  for (const r of records) for (const k of Object.keys(r.value)) if (!names.includes(k)) names.push(k);
  for (const name of names) addSeries(log, name, records.map((r) => r.value[name] ?? null));
  return log;
}

/**
 * Parses console output into one run per training run.
 * @example parseKerasText(bytes('Epoch 1/2\n10/10 [===] - 1s - loss: nan - accuracy: 0.1\n')).runs[0].metrics.loss
 *   // [NaN]
 */
export function parseKerasText(bytes: Uint8Array, text = decodeText(bytes)): ParsedUpload {
  const lines = splitLines(text.replace(/[\b]+/g, '\n')).filter((l) => l.length <= MAX_LINE_CHARS);
  const warnings: string[] = [];
  const keras = lines.some((l) => KERAS_EPOCH_LINE.test(l));
  const records = keras ? kerasRecords(lines, warnings) : genericRecords(lines);
  if (records.length === 0) {
    const what = keras
      ? 'no epoch of the Keras output has a metrics line'
      : 'no line with an epoch number and a loss value was found';
    throw new AdvisorInputError('malformed', what);
  }
  const split = splitEpochRuns(records);
  const runs = split.runs.map(buildLog);
  for (const r of split.resumes) runs[r.run].warnings.push(resumeWarning(r.from, r.to));
  if (runs.length > 1) warnings.push(appendedRunsWarning(runs.length, 'the epoch count restarts'));
  return { runs, warnings };
}
