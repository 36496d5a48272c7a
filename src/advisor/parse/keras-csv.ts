/**
 * `keras-csv`: Keras CSVLogger files — with or without an `epoch` column, old `acc` names, and several runs
 * appended to one file (`append=True`: the epoch restarts at 0, or a header line repeats).
 */
import { AdvisorInputError, type ParsedUpload, type Series, type TrainingLog } from '../types';
import { type CsvRow, isHeaderRow, readCsv } from './csv';
import { appendedRunsWarning, type EpochRecord, resumeWarning, splitEpochRuns } from './epochs';
import { addSeries, collectErrors, createLog, quoteCell } from './log';
import { decodeText, parseMetricValue } from './text';

/** Columns that index rows rather than measure anything. */
const INDEX_COLUMNS = new Set(['epoch', 'step']);

interface Section {
  header: string[];
  rows: CsvRow[];
}

type Errors = ReturnType<typeof collectErrors>;

/** Splits rows into sections at every repeated header line. */
function sectionsOf(rows: CsvRow[]): Section[] {
  const sections: Section[] = [];
  for (const row of rows) {
    if (isHeaderRow(row.cells)) sections.push({ header: row.cells.map((c) => c.trim()), rows: [] });
    else if (sections.length === 0) {
      throw new AdvisorInputError('malformed', 'the first line of the CSV is not a header of column names');
    }
    else sections[sections.length - 1].rows.push(row);
  }
  return sections;
}

/** Parses one section's rows into per-row values, collecting bad cells into `errors`. */
function readSection(
  section: Section,
  isLastSection: boolean,
  errors: Errors,
  warnings: string[],
): { columns: string[]; records: Array<EpochRecord<Array<number | null>>>; hasEpoch: boolean } {
  const { header } = section;
  const epochIndex = header.findIndex((h) => h.toLowerCase() === 'epoch');
  const metricIndexes = header.map((h, i) => i).filter((i) => !INDEX_COLUMNS.has(header[i].toLowerCase()));
  const records: Array<EpochRecord<Array<number | null>>> = [];
  section.rows.forEach((row, rowIndex) => {
    if (row.cells.length !== header.length) {
      const isLastRow = isLastSection && rowIndex === section.rows.length - 1;
      if (isLastRow && row.cells.length < header.length) {
        warnings.push(`the last line (${row.line}) is incomplete and was skipped`);
        return;
      }
      errors.add(`line ${row.line}`, `${row.cells.length} cells where the header has ${header.length}`);
      return;
    }
    const values = metricIndexes.map((i) => {
      const v = parseMetricValue(row.cells[i]);
      if (v === undefined) {
        errors.add(`line ${row.line}/${header[i]}`, `${quoteCell(row.cells[i])} is not a number`);
        return null;
      }
      return v;
    });
    let epoch = records.length;
    if (epochIndex !== -1) {
      const e = parseMetricValue(row.cells[epochIndex]);
      if (typeof e !== 'number' || !Number.isFinite(e)) {
        errors.add(`line ${row.line}/${header[epochIndex]}`, `epoch ${quoteCell(row.cells[epochIndex])} is not a number`);
        return;
      }
      epoch = e;
    }
    records.push({ epoch, value: values });
  });
  return { columns: metricIndexes.map((i) => header[i]), records, hasEpoch: epochIndex !== -1 };
}

function buildLog(columns: string[], records: Array<EpochRecord<Array<number | null>>>): TrainingLog {
  const log = createLog('keras-csv', 'epoch');
  columns.forEach((column, c) => {
    const series: Series = records.map((r) => r.value[c]);
    addSeries(log, column, series);
  });
  return log;
}

/**
 * Parses a Keras CSVLogger file into one run per appended training run.
 * @example parseKerasCsv(bytes('epoch,acc,loss\n0,0.5,0.9\n1,0.6,0.7\n')).runs[0].metrics.accuracy // [0.5, 0.6]
 */
export function parseKerasCsv(bytes: Uint8Array): ParsedUpload {
  const rows = readCsv(decodeText(bytes));
  if (rows.length === 0) throw new AdvisorInputError('malformed', 'the CSV is empty');
  const sections = sectionsOf(rows);
  const errors = collectErrors();
  const warnings: string[] = [];
  const runs: TrainingLog[] = [];
  let restarts = 0;
  sections.forEach((section, s) => {
    const { columns, records, hasEpoch } = readSection(section, s === sections.length - 1, errors, warnings);
    if (records.length === 0) return;
    if (!hasEpoch) {
      runs.push(buildLog(columns, records));
      return;
    }
    const split = splitEpochRuns(records);
    restarts += split.runs.length - 1;
    const first = runs.length;
    for (const run of split.runs) runs.push(buildLog(columns, run));
    for (const r of split.resumes) runs[first + r.run].warnings.push(resumeWarning(r.from, r.to));
  });
  errors.throwIfAny('the CSV has cells that are not numbers');
  if (runs.length === 0) runs.push(buildLog(sections[0].header.filter((h) => !INDEX_COLUMNS.has(h.toLowerCase())), []));
  if (runs.length > 1) {
    const how = [
      restarts > 0 ? 'the epoch column restarts' : '',
      sections.length > 1 ? 'the header line repeats' : '',
    ].filter(Boolean).join(' and ');
    warnings.push(appendedRunsWarning(runs.length, how));
  }
  return { runs, warnings };
}
