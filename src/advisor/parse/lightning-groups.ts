/**
 * Per-group values of Lightning metrics, as `lightning-csv` reads rows. A group is one epoch (one step without an
 * epoch column); a metric's value in a group is its `*_epoch` value when logged, else the mean of its `*_step`
 * values, else the mean of its plain values.
 */
import type { Series } from '../types';
import { SeriesBuilder, seriesOf, withRoom } from './log';

/** Levels by precedence: an epoch's `*_epoch` value beats the mean of its `*_step` values, which beats plain ones. */
export const PRECEDENCE = { none: 0, plain: 1, step: 2, epoch: 3 } as const;

/**
 * One metric's values in one group: three slots of a Float64Array — the highest level seen, and the sum and count
 * of that level's values (for `epoch`, the last value and 1). Typed arrays, not an object per group: long logs have
 * a hundred thousand groups.
 */
const SLOTS = 3;

/** Adds a value of precedence `rank` to the slots at `at`: values of a lower level than already seen are ignored. */
function addValue(slots: Float64Array, at: number, rank: number, v: number): void {
  if (rank < slots[at]) return;
  if (rank > slots[at]) {
    slots[at] = rank;
    slots[at + 1] = 0;
    slots[at + 2] = 0;
  }
  if (rank === PRECEDENCE.epoch) {
    slots[at + 1] = v;
    slots[at + 2] = 1;
  } else {
    slots[at + 1] += v;
    slots[at + 2]++;
  }
}

/** The value of the slots at `at`; null when the metric logged nothing in that group. */
function valueAt(slots: Float64Array, at: number): number | null {
  return at < slots.length && slots[at + 2] > 0 ? slots[at + 1] / slots[at + 2] : null;
}

/** The groups of rows and their metrics' values, filled as rows are read; metrics are numbered from 0. */
export interface Grouping {
  /** Groups so far. */
  readonly size: number;
  /** Enters the group of a row's key; false when this grouping cannot take the key (see InOrderGroups). */
  enter(key: number): boolean;
  /** Adds a value of precedence `rank` of metric `metric` to the entered group. */
  add(metric: number, rank: number, value: number): void;
  /** Records that the entered group has a training (not evaluation) value. */
  markTraining(): void;
  /** The series of every metric, in key order. */
  finish(): GroupedSeries;
}

export interface GroupedSeries {
  /**
   * Keys of the last groups, left out of the series: they only have evaluation values (trainer.validate()/test()
   * after fit). Empty when no group has a training value.
   */
  droppedKeys: number[];
  /** Metric `metric`'s series over the other groups, in key order. */
  series(metric: number): Series;
}

/**
 * The groups of a file whose keys never go back (epoch after epoch: the usual file). A group is final once the next
 * one starts, so only the open group is aggregated and each closed one is kept as its value: a third of the memory
 * of keeping every group's slots, which is what parsing a long log spends its time on.
 */
export class InOrderGroups implements Grouping {
  size = 0;
  private lastKey = NaN;
  private readonly open: Float64Array;
  private readonly closed: SeriesBuilder[];
  private hasTraining = false;
  /** Keys of the groups after the last one with a training value, once there is one. */
  private readonly evaluationOnlyKeys: number[] = [];

  constructor(metrics: number) {
    this.open = new Float64Array(metrics * SLOTS);
    this.closed = Array.from({ length: metrics }, () => new SeriesBuilder());
  }

  enter(key: number): boolean {
    if (key === this.lastKey) return true;
    if (this.size > 0 && !(key > this.lastKey)) return false;
    if (this.size > 0) this.close();
    this.lastKey = key;
    this.size++;
    if (this.hasTraining) this.evaluationOnlyKeys.push(key);
    return true;
  }

  add(metric: number, rank: number, value: number): void {
    addValue(this.open, metric * SLOTS, rank, value);
  }

  markTraining(): void {
    this.hasTraining = true;
    if (this.evaluationOnlyKeys.length > 0) this.evaluationOnlyKeys.length = 0;
  }

  finish(): GroupedSeries {
    if (this.size > 0) this.close();
    const droppedKeys = this.evaluationOnlyKeys;
    const kept = this.size - droppedKeys.length;
    return {
      droppedKeys,
      series: (metric) => {
        const series = this.closed[metric].toSeries();
        series.length = kept;
        return series;
      },
    };
  }

  private close(): void {
    this.closed.forEach((values, metric) => values.push(valueAt(this.open, metric * SLOTS)));
    this.open.fill(0);
  }
}

/** The groups of any file: every group's slots are kept, and keys are looked up in a map. */
export class AnyOrderGroups implements Grouping {
  private readonly groupOfKey = new Map<number, number>();
  private readonly keys: number[] = [];
  private readonly slots: Float64Array[];
  private readonly training: boolean[] = [];
  private group = -1;

  constructor(metrics: number) {
    this.slots = Array.from({ length: metrics }, () => new Float64Array(64 * SLOTS));
  }

  get size(): number {
    return this.keys.length;
  }

  enter(key: number): boolean {
    let group = this.groupOfKey.get(key);
    if (group === undefined) {
      group = this.keys.push(key) - 1;
      this.groupOfKey.set(key, group);
      this.training.push(false);
    }
    this.group = group;
    return true;
  }

  add(metric: number, rank: number, value: number): void {
    const at = this.group * SLOTS;
    this.slots[metric] = withRoom(this.slots[metric], at + SLOTS);
    addValue(this.slots[metric], at, rank, value);
  }

  markTraining(): void {
    this.training[this.group] = true;
  }

  finish(): GroupedSeries {
    const order = this.keys.map((_, group) => group).sort((a, b) => this.keys[a] - this.keys[b]);
    let kept = order.length;
    if (order.some((group) => this.training[group])) {
      while (kept > 0 && !this.training[order[kept - 1]]) kept--;
    }
    return {
      droppedKeys: order.slice(kept).map((group) => this.keys[group]),
      series: (metric) => seriesOf(kept, (i) => valueAt(this.slots[metric], order[i] * SLOTS)),
    };
  }
}
