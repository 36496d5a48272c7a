/**
 * `keras-csv`: Keras CSVLogger files — with or without an `epoch` column, old `acc` names, and several runs
 * appended to one file (`append=True`: the epoch restarts at 0, or a header line repeats).
 */
import { AdvisorInputError, type ParsedUpload, type Series, type TrainingLog } from '../types';
import { forEachCsvRow, isHeaderRow } from './csv';
import { appendedRunsWarning, resumeWarning, splitEpochIndexes } from './epochs';
import { addSeries, collectErrors, createLog, quoteCell } from './log';
import { decodeText, parseMetricValue } from './text';

/** Columns that index rows rather than measure anything. */
const INDEX_COLUMNS = new Set(['epoch', 'step']);

/** The rows under one header line, kept as columns: one epoch array and one value array per metric. */
interface Section {
  header: string[];
  epochIndex: number;
  metricIndexes: number[];
  epochs: number[];
  columns: Series[];
}

type Errors = ReturnType<typeof collectErrors>;

function sectionOf(cells: string[]): Section {
  const header = cells.map((c) => c.trim());
  const metricIndexes = header.map((h, i) => i).filter((i) => !INDEX_COLUMNS.has(header[i].toLowerCase()));
  return {
    header,
    epochIndex: header.findIndex((h) => h.toLowerCase() === 'epoch'),
    metricIndexes,
    epochs: [],
    columns: metricIndexes.map(() => []),
  };
}

/** Reads one data row into its section's columns, collecting bad cells into `errors`. */
function readRow(section: Section, cells: string[], line: number, errors: Errors): void {
  const { header, epochIndex, metricIndexes, columns } = section;
  const values: Array<number | null> = [];
  for (const i of metricIndexes) {
    const v = parseMetricValue(cells[i]);
    if (v === undefined) errors.add(`line ${line}/${header[i]}`, `${quoteCell(cells[i])} is not a number`);
    values.push(v ?? null);
  }
  let epoch = section.epochs.length;
  if (epochIndex !== -1) {
    const e = parseMetricValue(cells[epochIndex]);
    if (typeof e !== 'number' || !Number.isFinite(e)) {
      errors.add(`line ${line}/${header[epochIndex]}`, `epoch ${quoteCell(cells[epochIndex])} is not a number`);
      return;
    }
    epoch = e;
  }
  section.epochs.push(epoch);
  for (let c = 0; c < values.length; c++) columns[c].push(values[c]);
}

function buildLog(section: Section, indexes: number[] | null): TrainingLog {
  const log = createLog('keras-csv', 'epoch');
  section.metricIndexes.forEach((i, c) => {
    const column = section.columns[c];
    addSeries(log, section.header[i], indexes === null ? column : indexes.map((r) => column[r]));
  });
  return log;
}

/**
 * Parses a Keras CSVLogger file into one run per appended training run.
 * @example parseKerasCsv(bytes('epoch,acc,loss\n0,0.5,0.9\n1,0.6,0.7\n')).runs[0].metrics.accuracy // [0.5, 0.6]
 */
export function parseKerasCsv(bytes: Uint8Array, text = decodeText(bytes)): ParsedUpload {
  const sections: Section[] = [];
  const errors = collectErrors();
  const warnings: string[] = [];
  let rowCount = 0;
  let firstIsHeader = true;
  // a short row is only forgiven as the file's last line (cut off mid-write): decided when the next row comes
  let shortRow = null as { line: number; count: number } | null;
  const reportShortRow = (): void => {
    if (shortRow === null) return;
    const { header } = sections[sections.length - 1];
    errors.add(`line ${shortRow.line}`, `${shortRow.count} cells where the header has ${header.length}`);
    shortRow = null;
  };
  forEachCsvRow(text, (cells, line) => {
    if (rowCount++ === 0 && !isHeaderRow(cells)) firstIsHeader = false;
    if (!firstIsHeader) return; // refused once the whole file has been read, as the caps come first
    reportShortRow();
    if (isHeaderRow(cells)) {
      sections.push(sectionOf(cells));
      return;
    }
    const section = sections[sections.length - 1];
    if (cells.length < section.header.length) shortRow = { line, count: cells.length };
    else if (cells.length > section.header.length) {
      errors.add(`line ${line}`, `${cells.length} cells where the header has ${section.header.length}`);
    } else readRow(section, cells, line, errors);
  });
  if (rowCount === 0) throw new AdvisorInputError('malformed', 'the CSV is empty');
  if (!firstIsHeader) {
    throw new AdvisorInputError('malformed', 'the first line of the CSV is not a header of column names');
  }
  if (shortRow !== null) warnings.push(`the last line (${shortRow.line}) is incomplete and was skipped`);

  const runs: TrainingLog[] = [];
  let restarts = 0;
  for (const section of sections) {
    if (section.epochs.length === 0) continue;
    if (section.epochIndex === -1) {
      runs.push(buildLog(section, null));
      continue;
    }
    const split = splitEpochIndexes(section.epochs);
    restarts += split.runs.length - 1;
    const first = runs.length;
    const whole = split.runs.length === 1 && split.resumes.length === 0; // the common case: every row kept, in order
    for (const run of split.runs) runs.push(buildLog(section, whole ? null : run));
    for (const r of split.resumes) runs[first + r.run].warnings.push(resumeWarning(r.from, r.to));
  }
  errors.throwIfAny('the CSV has cells that are not numbers');
  if (runs.length === 0) {
    runs.push(buildLog({ ...sections[0], columns: sections[0].columns.map(() => []) }, null));
  }
  if (runs.length > 1) {
    const how = [
      restarts > 0 ? 'the epoch column restarts' : '',
      sections.length > 1 ? 'the header line repeats' : '',
    ].filter(Boolean).join(' and ');
    warnings.push(appendedRunsWarning(runs.length, how));
  }
  return { runs, warnings };
}
