/**
 * `lightning-csv`: PyTorch Lightning CSVLogger `metrics.csv` — sparse rows: training steps carry `train_loss`
 * (or `train_loss_step`), epoch ends carry `val_loss`/`val_acc` and `*_epoch` aggregates.
 * Per epoch: the `*_epoch` value when logged, else the mean of the step values; validation values as logged.
 */
import { AdvisorInputError, type ParsedUpload } from '../types';
import { canonicalMetricName, isValidationName } from './aliases';
import { csvChunks, type CsvRowView, forEachCsvRow, RowWidths } from './csv';
import { AnyOrderGroups, type Grouping, InOrderGroups, PRECEDENCE } from './lightning-groups';
import { addSeries, assertSeriesLength, collectErrors, createLog, quoteCell } from './log';

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

/** A metric column as rows are read: which metric its values go to, at which precedence. */
interface ColumnReader {
  index: number;
  metric: number;
  rank: number;
  isEvaluation: boolean;
}

/** The columns of a header line, each with the number of its metric (`loss_step` and `loss_epoch` share one). */
function columnReaders(columns: Column[]): { readers: ColumnReader[]; metrics: string[] } {
  const metrics: string[] = [];
  const readers = columns.map(({ index, base, level, isEvaluation }) => {
    if (!metrics.includes(base)) metrics.push(base);
    return { index, metric: metrics.indexOf(base), rank: PRECEDENCE[level], isEvaluation };
  });
  return { readers, metrics };
}

/**
 * Parses a Lightning metrics.csv into one per-epoch run (per-step when there is no epoch column).
 * @example
 * parseLightningCsv(bytes('epoch,step,train_loss,val_loss\n0,49,0.6,\n0,99,0.4,\n0,99,,0.3\n')).runs[0].metrics
 * // { loss: [0.5], val_loss: [0.3] }
 */
export function parseLightningCsv(bytes: Uint8Array, text?: string): ParsedUpload {
  const chunks = csvChunks(bytes, text);
  // most files log one epoch after another; a file whose epochs go back is read again, keeping every epoch open
  return (
    readMetricsCsv(chunks, (metrics) => new InOrderGroups(metrics)) ??
    (readMetricsCsv(chunks, (metrics) => new AnyOrderGroups(metrics)) as ParsedUpload)
  );
}

/** Reads a metrics.csv with the given grouping; null when the grouping could not take the file's keys. */
function readMetricsCsv(
  chunks: Iterable<string>,
  groupingFor: (metrics: number) => Grouping,
): ParsedUpload | null {
  let header: string[] | null = null;
  let firstIsHeader = true;
  let columns: ColumnReader[] = [];
  let metrics: string[] = [];
  let keyIndex = -1;
  let epochIndex = -1;
  let groups: Grouping | null = null;
  let keysWentBack = false;
  const errors = collectErrors();
  const warnings: string[] = [];
  const widths = new RowWidths(errors);
  const visit = (row: CsvRowView): void => {
    if (header === null) {
      if (!row.isHeader()) firstIsHeader = false;
      if (!firstIsHeader) return; // refused once the whole file has been read, as the caps come first
      header = row.cells().map((c) => c.trim());
      epochIndex = header.indexOf('epoch');
      const stepIndex = header.indexOf('step');
      keyIndex = epochIndex !== -1 ? epochIndex : stepIndex;
      if (keyIndex === -1) return;
      ({ readers: columns, metrics } = columnReaders(
        header.map(columnOf).filter((c) => c.index !== epochIndex && c.index !== stepIndex),
      ));
      groups = groupingFor(metrics.length);
      return;
    }
    if (groups === null || keysWentBack) return;
    widths.settle();
    if (row.isHeader()) return; // a repeated header (logger re-created on resume)
    if (!widths.fits(row, header.length)) return;
    const key = row.value(keyIndex);
    if (key === null) return; // e.g. a test row without epoch: nothing to align it with
    if (typeof key !== 'number' || !Number.isFinite(key)) {
      errors.add(`line ${row.line}/${header[keyIndex]}`, `${quoteCell(row.cell(keyIndex))} is not a number`);
      return;
    }
    if (!groups.enter(key)) {
      keysWentBack = true;
      return;
    }
    assertSeriesLength(groups.size, 'epoch');
    for (const column of columns) {
      const v = row.value(column.index);
      if (v === undefined) {
        errors.add(`line ${row.line}/${header[column.index]}`, `${quoteCell(row.cell(column.index))} is not a number`);
        continue;
      }
      if (v === null) continue;
      groups.add(column.metric, column.rank, v);
      if (!column.isEvaluation) groups.markTraining();
    }
  };
  try {
    forEachCsvRow(chunks, visit);
  } catch (err) {
    if (!keysWentBack) throw err;
  }
  if (keysWentBack) return null; // whatever happened next, the other grouping reads the file again
  if (header === null && firstIsHeader) throw new AdvisorInputError('malformed', 'the CSV is empty');
  if (header === null) {
    throw new AdvisorInputError('malformed', 'the first line of the CSV is not a header of column names');
  }
  if (groups === null) {
    throw new AdvisorInputError('malformed', 'a Lightning metrics.csv needs an `epoch` or `step` column');
  }
  const lastLine = widths.lastLineWarning();
  if (lastLine !== null) warnings.push(lastLine);
  errors.throwIfAny('the CSV has cells that are not numbers');

  const { droppedKeys, series } = (groups as Grouping).finish();
  if (droppedKeys.length > 0) {
    const which = `${epochIndex !== -1 ? 'epoch' : 'step'} ${droppedKeys.join(', ')}`;
    warnings.push(`${which} only has evaluation values (validate/test after training) and was left out`);
  }
  const log = createLog('lightning-csv', epochIndex !== -1 ? 'epoch' : 'step');
  metrics.forEach((base, metric) => {
    const values = series(metric);
    if (values.some((v) => v !== null)) addSeries(log, base, values);
  });
  return { runs: [log], warnings };
}
