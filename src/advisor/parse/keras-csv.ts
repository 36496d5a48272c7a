/**
 * `keras-csv`: Keras CSVLogger files — with or without an `epoch` column, old `acc` names, and several runs
 * appended to one file (`append=True`: the epoch restarts at 0, or a header line repeats).
 */
import { AdvisorInputError, type ParsedUpload, type TrainingLog } from '../types';
import { csvChunks, type CsvRowView, forEachCsvRow, RowWidths } from './csv';
import { appendedRunsWarning, runsOfEpochs } from './epochs';
import { addSeries, collectErrors, createLog, quoteCell, SeriesBuilder } from './log';

/** Columns that index rows rather than measure anything. */
const INDEX_COLUMNS = new Set(['epoch', 'step']);

/** The rows under one header line, kept as columns: one epoch array and one value array per metric. */
interface Section {
  header: string[];
  epochIndex: number;
  metricIndexes: number[];
  epochs: SeriesBuilder;
  columns: SeriesBuilder[];
}

type Errors = ReturnType<typeof collectErrors>;

function sectionOf(cells: string[]): Section {
  const header = cells.map((c) => c.trim());
  const metricIndexes = header.map((h, i) => i).filter((i) => !INDEX_COLUMNS.has(header[i].toLowerCase()));
  return {
    header,
    epochIndex: header.findIndex((h) => h.toLowerCase() === 'epoch'),
    metricIndexes,
    epochs: new SeriesBuilder(),
    columns: metricIndexes.map(() => new SeriesBuilder()),
  };
}

/** Reads one data row into its section's columns, collecting bad cells into `errors`. */
function readRow(section: Section, row: CsvRowView, errors: Errors): void {
  const { header, epochIndex, metricIndexes, columns } = section;
  const epoch = epochIndex === -1 ? section.epochs.length : row.value(epochIndex);
  const hasEpoch = typeof epoch === 'number' && Number.isFinite(epoch);
  for (let c = 0; c < metricIndexes.length; c++) {
    const i = metricIndexes[c];
    const v = row.value(i);
    if (v === undefined) errors.add(`line ${row.line}/${header[i]}`, `${quoteCell(row.cell(i))} is not a number`);
    if (hasEpoch) columns[c].push(v ?? null);
  }
  if (!hasEpoch) {
    errors.add(`line ${row.line}/${header[epochIndex]}`, `epoch ${quoteCell(row.cell(epochIndex))} is not a number`);
    return;
  }
  section.epochs.push(epoch);
}

/** The section's run, or with `indexes` the run made of those rows. */
function buildLog(section: Section, indexes?: number[]): TrainingLog {
  const log = createLog('keras-csv', 'epoch');
  section.metricIndexes.forEach((i, c) => addSeries(log, section.header[i], section.columns[c].toSeries(indexes)));
  return log;
}

/**
 * Parses a Keras CSVLogger file into one run per appended training run.
 * @example parseKerasCsv(bytes('epoch,acc,loss\n0,0.5,0.9\n1,0.6,0.7\n')).runs[0].metrics.accuracy // [0.5, 0.6]
 */
export function parseKerasCsv(bytes: Uint8Array, text?: string): ParsedUpload {
  const sections: Section[] = [];
  const errors = collectErrors();
  const warnings: string[] = [];
  let rowCount = 0;
  let firstIsHeader = true;
  const widths = new RowWidths(errors);
  forEachCsvRow(csvChunks(bytes, text), (row) => {
    const isHeader = row.isHeader();
    if (rowCount++ === 0 && !isHeader) firstIsHeader = false;
    if (!firstIsHeader) return; // refused once the whole file has been read, as the caps come first
    widths.settle();
    if (isHeader) {
      sections.push(sectionOf(row.cells()));
      return;
    }
    const section = sections[sections.length - 1];
    if (widths.fits(row, section.header.length)) readRow(section, row, errors);
  });
  if (rowCount === 0) throw new AdvisorInputError('malformed', 'the CSV is empty');
  if (!firstIsHeader) {
    throw new AdvisorInputError('malformed', 'the first line of the CSV is not a header of column names');
  }
  const lastLine = widths.lastLineWarning();
  if (lastLine !== null) warnings.push(lastLine);

  const runs: TrainingLog[] = [];
  let restarts = 0;
  for (const section of sections) {
    if (section.epochs.length === 0) continue;
    // without an epoch column the rows are numbered 0, 1, 2, …: one run
    const sectionRuns = runsOfEpochs(section.epochs, (indexes) => buildLog(section, indexes));
    restarts += sectionRuns.length - 1;
    for (const run of sectionRuns) runs.push(run); // a spread of many runs would overflow the stack
  }
  errors.throwIfAny('the CSV has cells that are not numbers');
  if (runs.length === 0) {
    runs.push(buildLog({ ...sections[0], columns: sections[0].columns.map(() => new SeriesBuilder()) }));
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
