/**
 * `lightning-csv`: PyTorch Lightning CSVLogger `metrics.csv` — sparse rows: training steps carry `train_loss`
 * (or `train_loss_step`), epoch ends carry `val_loss`/`val_acc` and `*_epoch` aggregates.
 * Per epoch: the `*_epoch` value when logged, else the mean of the step values; validation values as logged.
 */
import { AdvisorInputError, type ParsedUpload, type Series } from '../types';
import { canonicalMetricName, isValidationName } from './aliases';
import { isHeaderRow, readCsv } from './csv';
import { addSeries, assertSeriesLength, collectErrors, createLog, meanOf, quoteCell } from './log';
import { decodeText, parseMetricValue } from './text';

interface Column {
  index: number;
  base: string;
  level: 'step' | 'epoch' | 'plain';
}

function columnOf(name: string, index: number): Column {
  const m = /^(.*)_(step|epoch)$/.exec(name);
  if (m && m[1] !== '') return { index, base: m[1], level: m[2] as 'step' | 'epoch' };
  return { index, base: name, level: 'plain' };
}

/** Whether a canonical metric describes held-out data (not training): validation or test. */
function isEvaluationMetric(base: string): boolean {
  const name = canonicalMetricName(base);
  return isValidationName(name) || /^test[_/]/i.test(base);
}

/**
 * Parses a Lightning metrics.csv into one per-epoch run (per-step when there is no epoch column).
 * @example
 * parseLightningCsv(bytes('epoch,step,train_loss,val_loss\n0,49,0.6,\n0,99,0.4,\n0,99,,0.3\n')).runs[0].metrics
 * // { loss: [0.5], val_loss: [0.3] }
 */
export function parseLightningCsv(bytes: Uint8Array, text = decodeText(bytes)): ParsedUpload {
  const rows = readCsv(text);
  if (rows.length === 0) throw new AdvisorInputError('malformed', 'the CSV is empty');
  if (!isHeaderRow(rows[0].cells)) {
    throw new AdvisorInputError('malformed', 'the first line of the CSV is not a header of column names');
  }
  const header = rows[0].cells.map((c) => c.trim());
  const epochIndex = header.indexOf('epoch');
  const stepIndex = header.indexOf('step');
  const keyIndex = epochIndex !== -1 ? epochIndex : stepIndex;
  if (keyIndex === -1) {
    throw new AdvisorInputError('malformed', 'a Lightning metrics.csv needs an `epoch` or `step` column');
  }
  const columns = header.map(columnOf).filter((c) => c.index !== epochIndex && c.index !== stepIndex);

  // group → base → level → values
  const groups = new Map<number, Map<string, { step: number[]; epoch: number[]; plain: number[] }>>();
  const errors = collectErrors();
  const warnings: string[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (isHeaderRow(row.cells)) continue; // a repeated header (logger re-created on resume)
    if (row.cells.length !== header.length) {
      if (r === rows.length - 1 && row.cells.length < header.length) {
        warnings.push(`the last line (${row.line}) is incomplete and was skipped`);
        continue;
      }
      errors.add(`line ${row.line}`, `${row.cells.length} cells where the header has ${header.length}`);
      continue;
    }
    const key = parseMetricValue(row.cells[keyIndex]);
    if (key === null) continue; // e.g. a test row without epoch: nothing to align it with
    if (typeof key !== 'number' || !Number.isFinite(key)) {
      errors.add(`line ${row.line}/${header[keyIndex]}`, `${quoteCell(row.cells[keyIndex])} is not a number`);
      continue;
    }
    let group = groups.get(key);
    if (group === undefined) {
      group = new Map();
      groups.set(key, group);
      assertSeriesLength(groups.size, 'epoch');
    }
    for (const column of columns) {
      const v = parseMetricValue(row.cells[column.index]);
      if (v === undefined) {
        errors.add(`line ${row.line}/${header[column.index]}`, `${quoteCell(row.cells[column.index])} is not a number`);
        continue;
      }
      if (v === null) continue;
      let slot = group.get(column.base);
      if (slot === undefined) {
        slot = { step: [], epoch: [], plain: [] };
        group.set(column.base, slot);
      }
      slot[column.level].push(v);
    }
  }
  errors.throwIfAny('the CSV has cells that are not numbers');

  let keys = [...groups.keys()].sort((a, b) => a - b);
  // Trailing epochs with only evaluation values come from trainer.validate()/test() after fit, not from training.
  const hasTraining = (k: number): boolean =>
    [...(groups.get(k)?.keys() ?? [])].some((base) => !isEvaluationMetric(base));
  if (keys.some(hasTraining)) {
    let end = keys.length;
    while (end > 0 && !hasTraining(keys[end - 1])) end--;
    if (end < keys.length) {
      const which = `${epochIndex !== -1 ? 'epoch' : 'step'} ${keys.slice(end).join(', ')}`;
      warnings.push(`${which} only has evaluation values (validate/test after training) and was left out`);
      keys = keys.slice(0, end);
    }
  }
  const log = createLog('lightning-csv', epochIndex !== -1 ? 'epoch' : 'step');
  const bases = [...new Set(columns.map((c) => c.base))];
  for (const base of bases) {
    const series: Series = keys.map((k) => {
      const slot = groups.get(k)?.get(base);
      if (slot === undefined) return null;
      if (slot.epoch.length > 0) return slot.epoch[slot.epoch.length - 1];
      return meanOf(slot.step.length > 0 ? slot.step : slot.plain);
    });
    if (series.some((v) => v !== null)) addSeries(log, base, series);
  }
  return { runs: [log], warnings };
}
