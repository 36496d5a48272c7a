/**
 * `lightning-csv`: PyTorch Lightning CSVLogger `metrics.csv` — sparse rows: training steps carry `train_loss`
 * (or `train_loss_step`), epoch ends carry `val_loss`/`val_acc` and `*_epoch` aggregates.
 * Per epoch: the `*_epoch` value when logged, else the mean of the step values; validation values as logged.
 */
import { AdvisorInputError, type ParsedUpload, type Series } from '../types';
import { canonicalMetricName, isValidationName } from './aliases';
import { forEachCsvRow } from './csv';
import { addSeries, assertSeriesLength, collectErrors, createLog, quoteCell } from './log';
import { decodeText } from './text';

interface Column {
  index: number;
  base: string;
  level: 'step' | 'epoch' | 'plain';
  /** Whether the metric describes held-out data: its values alone do not make an epoch a training one. */
  isEvaluation: boolean;
}

function columnOf(name: string, index: number): Column {
  const m = /^(.*)_(step|epoch)$/.exec(name);
  const [base, level] = m && m[1] !== '' ? [m[1], m[2] as 'step' | 'epoch'] : [name, 'plain' as const];
  return { index, base, level, isEvaluation: isEvaluationMetric(base) };
}

/** Whether a canonical metric describes held-out data (not training): validation or test. */
function isEvaluationMetric(base: string): boolean {
  const name = canonicalMetricName(base);
  return isValidationName(name) || /^test[_/]/i.test(base);
}

/** Levels by precedence: an epoch's `*_epoch` value beats the mean of its `*_step` values, which beats plain ones. */
const PRECEDENCE = { none: 0, plain: 1, step: 2, epoch: 3 } as const;

/**
 * What one metric logged in each group (epoch or step): per group, three slots of a Float64Array — the highest
 * level seen, and the sum and count of that level's values (for `epoch`, the last value and 1). One growing typed
 * array per metric, not an object per group: long logs have a hundred thousand groups.
 */
interface Aggregates {
  slots: Float64Array;
}
const SLOTS = 3;

/** Adds a value of `level` to group `group`: values of a lower level than already seen are ignored. */
function addValue(a: Aggregates, group: number, level: Column['level'], v: number): void {
  const at = group * SLOTS;
  if (at + SLOTS > a.slots.length) {
    const grown = new Float64Array(Math.max(2 * a.slots.length, at + SLOTS));
    grown.set(a.slots);
    a.slots = grown;
  }
  const { slots } = a;
  const rank = PRECEDENCE[level];
  if (rank < slots[at]) return;
  if (rank > slots[at]) {
    slots[at] = rank;
    slots[at + 1] = 0;
    slots[at + 2] = 0;
  }
  if (level === 'epoch') {
    slots[at + 1] = v;
    slots[at + 2] = 1;
  } else {
    slots[at + 1] += v;
    slots[at + 2]++;
  }
}

/** Per group: the `*_epoch` value when logged, else the mean of the step values, else of the plain ones. */
function valueOf(a: Aggregates, group: number): number | null {
  const at = group * SLOTS;
  return at < a.slots.length && a.slots[at + 2] > 0 ? a.slots[at + 1] / a.slots[at + 2] : null;
}

/**
 * Parses a Lightning metrics.csv into one per-epoch run (per-step when there is no epoch column).
 * @example
 * parseLightningCsv(bytes('epoch,step,train_loss,val_loss\n0,49,0.6,\n0,99,0.4,\n0,99,,0.3\n')).runs[0].metrics
 * // { loss: [0.5], val_loss: [0.3] }
 */
export function parseLightningCsv(bytes: Uint8Array, text = decodeText(bytes)): ParsedUpload {
  let header: string[] | null = null;
  let firstIsHeader = true;
  let columns: Column[] = [];
  let keyIndex = -1;
  let epochIndex = -1;
  // group (epoch or step value) → its index in every aggregate; whether it has any training (not evaluation) value
  const groups = new Map<number, number>();
  const hasTraining: boolean[] = [];
  let lastKey = NaN;
  let lastGroup: number | undefined;
  const byBase = new Map<string, Aggregates>();
  const errors = collectErrors();
  const warnings: string[] = [];
  // a short row is only forgiven as the file's last line (cut off mid-write): decided when the next row comes
  let shortRow = null as { line: number; count: number } | null;
  const reportShortRow = (width: number): void => {
    if (shortRow === null) return;
    errors.add(`line ${shortRow.line}`, `${shortRow.count} cells where the header has ${width}`);
    shortRow = null;
  };
  forEachCsvRow(text, (row) => {
    if (header === null) {
      if (!row.isHeader()) firstIsHeader = false;
      if (!firstIsHeader) return; // refused once the whole file has been read, as the caps come first
      header = row.cells().map((c) => c.trim());
      epochIndex = header.indexOf('epoch');
      const stepIndex = header.indexOf('step');
      keyIndex = epochIndex !== -1 ? epochIndex : stepIndex;
      if (keyIndex === -1) return;
      columns = header.map(columnOf).filter((c) => c.index !== epochIndex && c.index !== stepIndex);
      for (const c of columns) if (!byBase.has(c.base)) byBase.set(c.base, { slots: new Float64Array(64 * SLOTS) });
      return;
    }
    if (keyIndex === -1) return;
    reportShortRow(header.length);
    if (row.isHeader()) return; // a repeated header (logger re-created on resume)
    if (row.size !== header.length) {
      if (row.size < header.length) shortRow = { line: row.line, count: row.size };
      else errors.add(`line ${row.line}`, `${row.size} cells where the header has ${header.length}`);
      return;
    }
    const key = row.value(keyIndex);
    if (key === null) return; // e.g. a test row without epoch: nothing to align it with
    if (typeof key !== 'number' || !Number.isFinite(key)) {
      errors.add(`line ${row.line}/${header[keyIndex]}`, `${quoteCell(row.cell(keyIndex))} is not a number`);
      return;
    }
    // consecutive rows usually share their epoch: skip the map lookup then
    let group = key === lastKey ? lastGroup : groups.get(key);
    if (group === undefined) {
      group = groups.size;
      groups.set(key, group);
      assertSeriesLength(groups.size, 'epoch');
      hasTraining.push(false);
    }
    for (const column of columns) {
      const v = row.value(column.index);
      if (v === undefined) {
        errors.add(`line ${row.line}/${header[column.index]}`, `${quoteCell(row.cell(column.index))} is not a number`);
        continue;
      }
      if (v === null) continue;
      addValue(byBase.get(column.base) as Aggregates, group, column.level, v);
      if (!column.isEvaluation) hasTraining[group] = true;
    }
    lastKey = key;
    lastGroup = group;
  });
  if (header === null && firstIsHeader) throw new AdvisorInputError('malformed', 'the CSV is empty');
  if (header === null) {
    throw new AdvisorInputError('malformed', 'the first line of the CSV is not a header of column names');
  }
  if (keyIndex === -1) {
    throw new AdvisorInputError('malformed', 'a Lightning metrics.csv needs an `epoch` or `step` column');
  }
  if (shortRow !== null) warnings.push(`the last line (${shortRow.line}) is incomplete and was skipped`);
  errors.throwIfAny('the CSV has cells that are not numbers');

  let keys = [...groups.keys()].sort((a, b) => a - b);
  // Trailing epochs with only evaluation values come from trainer.validate()/test() after fit, not from training.
  const trains = (k: number): boolean => hasTraining[groups.get(k) as number];
  if (keys.some(trains)) {
    let end = keys.length;
    while (end > 0 && !trains(keys[end - 1])) end--;
    if (end < keys.length) {
      const which = `${epochIndex !== -1 ? 'epoch' : 'step'} ${keys.slice(end).join(', ')}`;
      warnings.push(`${which} only has evaluation values (validate/test after training) and was left out`);
      keys = keys.slice(0, end);
    }
  }
  const log = createLog('lightning-csv', epochIndex !== -1 ? 'epoch' : 'step');
  const order = keys.map((k) => groups.get(k) as number);
  for (const [base, aggregates] of byBase) {
    const series: Series = order.map((group) => valueOf(aggregates, group));
    if (series.some((v) => v !== null)) addSeries(log, base, series);
  }
  return { runs: [log], warnings };
}
