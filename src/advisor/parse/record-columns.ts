/** Log records (an epoch line, a log entry) kept as columns: one per metric, aligned with the records. */
import type { Series } from '../types';
import { SeriesBuilder } from './log';

/**
 * Records with varying metrics, stored as one column per metric (null where a record lacks it) rather than an
 * object per record: long logs have a hundred thousand records, and their objects were most of parsing's work.
 * Names keep the order in which they first appear, as an object's keys would.
 * @example
 * const r = new RecordColumns(); r.set('loss', 1); r.end(); r.set('acc', 0.5); r.end();
 * r.namesOf() // ['loss', 'acc']; r.series('loss') // [1, null]
 */
export class RecordColumns {
  /** Records ended so far. */
  length = 0;
  private readonly names: string[] = [];
  private readonly columns: SeriesBuilder[] = [];
  private readonly columnOf = new Map<string, number>();
  /** Values of the open record by column; undefined for a metric it does not have (yet). */
  private readonly open: Array<number | null | undefined> = [];
  /** Columns of the open record, in the order they were first set. */
  private openColumns: number[] = [];
  /** Column lists (the columns a record has, in order), and which records have which: records mostly share one. */
  private readonly lists: number[][] = [];
  private readonly listNumbers = new Map<string, number>();
  /** Runs of consecutive records with the same list: where each starts and its list's number. */
  private readonly listRuns: Array<{ from: number; list: number }> = [];

  /** Sets metric `name` of the open record; set again, the later value wins and the name keeps its place. */
  set(name: string, value: number | null): void {
    let column = this.columnOf.get(name);
    if (column === undefined) {
      column = this.columns.length;
      this.columnOf.set(name, column);
      this.names.push(name);
      const values = new SeriesBuilder();
      for (let i = 0; i < this.length; i++) values.push(null);
      this.columns.push(values);
    }
    if (this.open[column] === undefined) this.openColumns.push(column);
    this.open[column] = value;
  }

  /** Ends the open record (a record may have no metric at all). */
  end(): void {
    this.columns.forEach((values, column) => values.push(this.open[column] ?? null));
    const list = this.listNumber(this.openColumns);
    if (list !== this.lastList()) this.listRuns.push({ from: this.length, list });
    for (const column of this.openColumns) this.open[column] = undefined;
    this.openColumns = [];
    this.length++;
  }

  /** The metrics of the given records (all by default; else in increasing order), in the order they first appear. */
  namesOf(records?: number[]): string[] {
    const seen = new Uint8Array(this.columns.length);
    const names: string[] = [];
    const addList = (list: number): void => {
      for (const column of this.lists[list]) {
        if (seen[column]) continue;
        seen[column] = 1;
        names.push(this.names[column]);
      }
    };
    if (!records) {
      for (const { list } of this.listRuns) addList(list);
      return names;
    }
    let run = -1;
    for (const record of records) {
      const before = run;
      while (run + 1 < this.listRuns.length && this.listRuns[run + 1].from <= record) run++;
      if (run !== before) addList(this.listRuns[run].list);
    }
    return names;
  }

  /** Metric `name` over the given records (all by default); null where a record lacks it. */
  series(name: string, records?: number[]): Series {
    const column = this.columnOf.get(name);
    if (column === undefined) return new Array<null>(records ? records.length : this.length).fill(null);
    return this.columns[column].toSeries(records);
  }

  /** The list of the last record ended; -1 before the first. */
  private lastList(): number {
    return this.listRuns.length > 0 ? this.listRuns[this.listRuns.length - 1].list : -1;
  }

  /** The number of a column list, shared with the previous record's when they are the same. */
  private listNumber(columns: number[]): number {
    const last = this.lastList();
    if (last >= 0 && sameNumbers(this.lists[last], columns)) return last;
    const key = columns.join(',');
    let number = this.listNumbers.get(key);
    if (number === undefined) {
      number = this.lists.push(columns) - 1;
      this.listNumbers.set(key, number);
    }
    return number;
  }
}

function sameNumbers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
