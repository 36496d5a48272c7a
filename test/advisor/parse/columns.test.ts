/** The column stores parsers fill instead of an object per record: series builders, records, Lightning groups. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSingleRun, splitEpochIndexes } from '../../../src/advisor/parse/epochs';
import { AnyOrderGroups, type Grouping, InOrderGroups, PRECEDENCE } from '../../../src/advisor/parse/lightning-groups';
import { SeriesBuilder } from '../../../src/advisor/parse/log';
import { RecordColumns } from '../../../src/advisor/parse/record-columns';

const builderOf = (values: Array<number | null>): SeriesBuilder => {
  const builder = new SeriesBuilder();
  for (const v of values) builder.push(v);
  return builder;
};

describe('SeriesBuilder', () => {
  it('gives back what was pushed, across blocks, nulls included', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => (i % 7 === 3 ? null : i / 8));
    const builder = builderOf(values);
    expect(builder.length).toBe(values.length);
    expect(builder.toSeries()).toEqual(values);
    expect(builder.at(10_001)).toBe(values[10_001]);
    expect(builder.toSeries([2, 3, 19_999])).toEqual([values[2], null, values[19_999]]);
    expect(new SeriesBuilder().toSeries()).toEqual([]);
  });
});

describe('epoch splitting over a SeriesBuilder', () => {
  it('keeps a single run whole and splits restarts and resumes', () => {
    expect(isSingleRun(builderOf([0, 1, 2]))).toBe(true);
    expect(splitEpochIndexes(builderOf([0, 1, 0, 1])).runs).toEqual([[0, 1], [2, 3]]);
    expect(splitEpochIndexes(builderOf([0, 1, 2, 1, 2]))).toEqual({ runs: [[0, 3, 4]], resumes: [{ run: 0, from: 1, to: 2 }] });
  });
});

describe('RecordColumns', () => {
  it('keeps names in first-appearance order, null where a record lacks a metric, the later of two values', () => {
    const records = new RecordColumns();
    records.set('loss', 1);
    records.end();
    records.set('acc', 0.5);
    records.set('loss', 0.9);
    records.set('acc', 0.6);
    records.end();
    records.end(); // a record without metrics
    expect(records.length).toBe(3);
    expect(records.namesOf()).toEqual(['loss', 'acc']);
    expect(records.series('loss')).toEqual([1, 0.9, null]);
    expect(records.series('acc')).toEqual([null, 0.6, null]);
  });

  it('names the metrics of some records in the order those records show them', () => {
    const records = new RecordColumns();
    for (const names of [['b', 'a'], ['b', 'a'], ['a', 'c'], ['c']]) {
      for (const name of names) records.set(name, 1);
      records.end();
    }
    expect(records.namesOf()).toEqual(['b', 'a', 'c']);
    expect(records.namesOf([2, 3])).toEqual(['a', 'c']);
    expect(records.namesOf([3])).toEqual(['c']);
    expect(records.series('b', [1, 2])).toEqual([1, null]);
  });
});

describe('Lightning groupings', () => {
  /** Rows: a key, then values of metric 0 (training, by rank) and metric 1 (evaluation); null: an empty cell. */
  type Row = [key: number, train: number | null, rank: number, evaluation: number | null];

  function fill(groups: Grouping, rows: Row[]): { droppedKeys: number[]; series: Array<Array<number | null>> } | null {
    for (const [key, train, rank, evaluation] of rows) {
      if (!groups.enter(key)) return null;
      if (train !== null) {
        groups.add(0, rank, train);
        groups.markTraining();
      }
      if (evaluation !== null) groups.add(1, PRECEDENCE.plain, evaluation);
    }
    const { droppedKeys, series } = groups.finish();
    return { droppedKeys, series: [series(0), series(1)] };
  }

  const value = fc.option(fc.integer({ min: 0, max: 9 }), { nil: null });
  const row = fc.tuple(fc.integer({ min: 0, max: 6 }), value, fc.constantFrom(PRECEDENCE.plain, PRECEDENCE.step, PRECEDENCE.epoch), value);

  it('agree wherever keys never go back; the in-order one gives up when a key does', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
        const inOrder = fill(new InOrderGroups(2), rows);
        const sorted = rows.every((r, i) => i === 0 || r[0] >= rows[i - 1][0]);
        expect(inOrder === null).toBe(!sorted);
        if (inOrder) expect(inOrder).toEqual(fill(new AnyOrderGroups(2), rows));
      }),
      { numRuns: 500 },
    );
  });

  it('takes an epoch value over the mean of step values, and leaves out trailing evaluation-only groups', () => {
    const rows: Row[] = [
      [0, 4, PRECEDENCE.step, null],
      [0, 2, PRECEDENCE.step, null],
      [0, 9, PRECEDENCE.epoch, 1],
      [1, 6, PRECEDENCE.step, 2],
      [2, null, PRECEDENCE.plain, 3],
    ];
    const expected = { droppedKeys: [2], series: [[9, 6], [1, 2]] };
    expect(fill(new InOrderGroups(2), rows)).toEqual(expected);
    expect(fill(new AnyOrderGroups(2), [rows[3], ...rows.slice(0, 3), rows[4]])).toEqual(expected);
  });
});
