/** Building TrainingLogs: every parser fills one through these helpers, so aliasing, conflicts and caps agree. */
import { AdvisorInputError, type Format, type Series, type TrainingLog } from '../types';
import { canonicalMetricName, isLossName } from './aliases';

/** Points per series: ~10 years of per-minute steps; more is not a training curve a Worker should chart. */
export const MAX_POINTS_PER_SERIES = 1_000_000;
/** Series per run: far above any real metric list, low enough to bound memory per upload. */
export const MAX_SERIES = 200;

export function createLog(format: Format, xAxis: TrainingLog['xAxis']): TrainingLog {
  return { format, xAxis, run: {}, metrics: {}, layers: [], warnings: [] };
}

/** Throws too_large when a series would exceed the per-series cap. */
export function assertSeriesLength(length: number, name: string): void {
  if (length > MAX_POINTS_PER_SERIES) {
    throw new AdvisorInputError(
      'too_large',
      `series "${name}" has ${length} points; at most ${MAX_POINTS_PER_SERIES} are accepted`,
    );
  }
}

/** Throws too_large when a run would carry more series than the cap. */
export function assertSeriesCount(count: number): void {
  if (count > MAX_SERIES) {
    throw new AdvisorInputError('too_large', `${count} metric series; at most ${MAX_SERIES} are accepted`);
  }
}

/**
 * Stores a series under its canonical name. When two raw names alias to the same metric (`acc` and `accuracy`),
 * the one already spelled canonically wins and a warning says which was dropped.
 * @example addSeries(log, 'val_acc', [0.5, 0.6]) // log.metrics.val_accuracy
 */
export function addSeries(log: TrainingLog, rawName: string, series: Series): void {
  const name = canonicalMetricName(rawName);
  assertSeriesLength(series.length, name);
  const existing = log.metrics[name];
  if (existing !== undefined) {
    const keepNew = rawName === name;
    log.warnings.push(
      `"${rawName}" and another column both mean "${name}"; ${keepNew ? `"${rawName}"` : 'the first one'} was kept`,
    );
    if (!keepNew) return;
  } else {
    assertSeriesCount(Object.keys(log.metrics).length + 1);
  }
  log.metrics[name] = series;
}

/**
 * `array` when it has room for `length` elements, else a copy with room for twice that (zeros after): appends grow
 * it in amortised constant time.
 */
export function withRoom<T extends Float64Array | Uint8Array>(array: T, length: number): T {
  if (length <= array.length) return array;
  const grown = new (array.constructor as new (size: number) => T)(Math.max(2 * array.length, length));
  grown.set(array);
  return grown;
}

/**
 * A series of `length` values, built in one array of its final length. Large arrays are what parsing long logs
 * spends most on: not a `map` of an index list, not appends that re-allocate and copy.
 */
export function seriesOf(length: number, valueAt: (i: number) => number | null): Series {
  const series: Series = new Array(length);
  for (let i = 0; i < length; i++) series[i] = valueAt(i);
  return series;
}

/**
 * Values per block of a SeriesBuilder: 64 KiB, under the size from which allocators hand out fresh pages, so
 * blocks reuse freed memory; and growing never copies. Long logs spend more on memory than on reading their text.
 */
const BLOCK_SHIFT = 13;
const BLOCK_VALUES = 1 << BLOCK_SHIFT;

/**
 * A series built one value at a time: numbers go to fixed-size Float64Array blocks, nulls are kept by index, and
 * `toSeries` builds the array once, at its final length.
 * @example const b = new SeriesBuilder(); b.push(0.5); b.push(null); b.toSeries() // [0.5, null]
 */
export class SeriesBuilder {
  length = 0;
  private readonly blocks: Float64Array[] = [];
  private readonly nulls: number[] = [];

  push(value: number | null): void {
    const offset = this.length & (BLOCK_VALUES - 1);
    if (offset === 0) this.blocks.push(new Float64Array(BLOCK_VALUES));
    if (value === null) this.nulls.push(this.length);
    else this.blocks[this.length >> BLOCK_SHIFT][offset] = value;
    this.length++;
  }

  /** Value `i` (a null reads as 0). */
  at(i: number): number {
    return this.blocks[i >> BLOCK_SHIFT][i & (BLOCK_VALUES - 1)];
  }

  /** The values as a series; with `indexes`, only those values, in that order. */
  toSeries(indexes?: number[]): Series {
    const series = seriesOf(this.length, (i) => this.at(i));
    for (const i of this.nulls) series[i] = null;
    return indexes ? seriesOf(indexes.length, (k) => series[indexes[k]]) : series;
  }
}

/** Whether a run can be charted: some loss series with at least one value (NaN counts: it is a finding). */
export function hasLossSeries(log: TrainingLog): boolean {
  return Object.entries(log.metrics).some(([name, s]) => isLossName(name) && s.some((v) => v !== null));
}

/** Pads every series with nulls to the longest one, so per-epoch arrays stay aligned by index. */
export function alignSeries(log: TrainingLog): void {
  const length = Math.max(0, ...Object.values(log.metrics).map((s) => s.length));
  for (const series of Object.values(log.metrics)) while (series.length < length) series.push(null);
}

/** Most bad values reported back in one error: enough to fix a file, bounded for a hostile one. */
export const MAX_REPORTED_ERRORS = 20;

/** Collects `{path, message}` entries of bad values, then throws them as one malformed error. */
export function collectErrors(): {
  add(path: string, message: string): void;
  throwIfAny(summary: string): void;
} {
  const errors: Array<{ path: string; message: string }> = [];
  return {
    add(path, message) {
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ path, message });
    },
    throwIfAny(summary) {
      if (errors.length > 0) throw new AdvisorInputError('malformed', `${summary} (first at ${errors[0].path})`, errors);
    },
  };
}

/** A cell quoted in an error message, shortened. */
export function quoteCell(cell: string): string {
  return `"${cell.slice(0, 40)}"`;
}
