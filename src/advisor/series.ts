/**
 * Noise-aware statistics on training curves. Everything here is O(n) (medians use quickselect) so a 100k-point
 * step-level log costs a few milliseconds: long series are first averaged into at most `MAX_VIEW_POINTS` bins, which
 * turns minibatch noise into a trend the detectors can judge the same way as an epoch-level curve.
 */
import type { Series } from './types';

/** Detectors look at no more points than this; averaging more than that per bin only removes minibatch noise. */
export const MAX_VIEW_POINTS = 400;

/** A curve as the detectors see it: finite points only, `x` the 0-based index into the uploaded series. */
export interface Curve {
  name: string;
  /** Raw index of each point (the first index of its bin when the series was binned). */
  x: number[];
  /** Finite values (bin means when binned). */
  y: number[];
  /** Smoothed `y` (median-of-3 against single bad epochs, then a centred moving mean scaled with length). */
  s: number[];
  /** Robust per-point noise level of `y` around its trend (σ estimated from second differences). */
  noise: number;
  /** Raw indices holding NaN/±Infinity (not `null`, which is "not logged"). */
  nonFinite: number[];
  /** Length of the raw series (including missing values). */
  length: number;
}

/** Builds a `Curve` from a raw series, binning it when longer than `MAX_VIEW_POINTS`. */
export function toCurve(name: string, raw: Series): Curve {
  const nonFinite: number[] = [];
  const x: number[] = [];
  const y: number[] = [];
  const n = raw.length;
  const bin = n > MAX_VIEW_POINTS ? Math.ceil(n / MAX_VIEW_POINTS) : 1;
  let sum = 0;
  let count = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    if (typeof v === 'number') {
      if (Number.isFinite(v)) {
        if (count === 0) first = i;
        sum += v;
        count++;
      } else nonFinite.push(i);
    }
    if ((i + 1) % bin === 0 || i === n - 1) {
      if (count > 0) {
        x.push(first);
        y.push(sum / count);
      }
      sum = 0;
      count = 0;
    }
  }
  return { name, x, y, s: smooth(y), noise: noiseSigma(y), nonFinite, length: n };
}

/** Half-width of the moving mean: none for very short runs, then ~5 % of the length (a step log needs more). */
export function smoothingHalfWidth(m: number): number {
  if (m < 8) return 0;
  return Math.max(1, Math.floor(m / 20));
}

/** Median-of-3 (Tukey's end rule at the ends) followed by a centred moving mean of half-width `smoothingHalfWidth`. */
export function smooth(y: number[]): number[] {
  const m = y.length;
  if (m < 3) return y.slice();
  const med = new Array<number>(m);
  for (let i = 1; i < m - 1; i++) med[i] = median3(y[i - 1], y[i], y[i + 1]);
  med[0] = median3(y[0], y[1], 3 * y[1] - 2 * y[2]);
  med[m - 1] = median3(y[m - 1], y[m - 2], 3 * y[m - 2] - 2 * y[m - 3]);
  return movingMean(med, smoothingHalfWidth(m));
}

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** Centred moving mean with a window that shrinks at the ends; O(n) via prefix sums. */
export function movingMean(y: number[], h: number): number[] {
  const m = y.length;
  if (h <= 0) return y.slice();
  const prefix = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) prefix[i + 1] = prefix[i] + y[i];
  const out = new Array<number>(m);
  for (let i = 0; i < m; i++) {
    const a = Math.max(0, i - h);
    const b = Math.min(m - 1, i + h);
    out[i] = (prefix[b + 1] - prefix[a]) / (b - a + 1);
  }
  return out;
}

/**
 * Robust σ of the point-to-point noise around a smooth trend: MAD of second differences (a linear trend cancels),
 * scaled for Gaussian noise (Var(d2) = 6σ²). Falls back to first differences for 3-point curves.
 */
export function noiseSigma(y: number[]): number {
  const m = y.length;
  if (m < 3) return 0;
  if (m === 3) return (Math.abs(y[1] - y[0]) + Math.abs(y[2] - y[1])) / 2 / Math.SQRT2;
  const d = new Float64Array(m - 2);
  for (let i = 1; i < m - 1; i++) d[i - 1] = Math.abs(y[i + 1] - 2 * y[i] + y[i - 1]);
  return (1.4826 * median(d)) / Math.sqrt(6);
}

/** Median by quickselect (average O(n)); copies its input. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const a = Float64Array.from(values as ArrayLike<number>);
  const hi = select(a, n >> 1);
  if (n % 2 === 1) return hi;
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i] > lo) lo = a[i];
  return (lo + hi) / 2;
}

function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

export function mean(y: number[], from = 0, to = y.length): number {
  let s = 0;
  const a = Math.max(0, from);
  const b = Math.min(y.length, to);
  for (let i = a; i < b; i++) s += y[i];
  return b > a ? s / (b - a) : NaN;
}

export function argmin(y: number[], from = 0, to = y.length): number {
  let best = -1;
  for (let i = from; i < to; i++) if (best < 0 || y[i] < y[best]) best = i;
  return best;
}

export function argmax(y: number[], from = 0, to = y.length): number {
  let best = -1;
  for (let i = from; i < to; i++) if (best < 0 || y[i] > y[best]) best = i;
  return best;
}

/** Fraction of consecutive first differences that change sign: ~0.67 for white noise, ~0 for a smooth trend. */
export function alternation(y: number[], from = 0, to = y.length): number {
  let changes = 0;
  let pairs = 0;
  let prev = 0;
  for (let i = from + 1; i < to; i++) {
    const d = y[i] - y[i - 1];
    if (d === 0) continue;
    if (prev !== 0) {
      pairs++;
      if (Math.sign(d) !== Math.sign(prev)) changes++;
    }
    prev = d;
  }
  return pairs === 0 ? 0 : changes / pairs;
}

/** Number of points averaged for a "start"/"end" level: a few epochs, or ~10 % of a long curve. */
export function edgeWindow(m: number): number {
  return Math.max(1, Math.min(m, Math.max(2, Math.round(m / 10))));
}

/** Position (into `curve.x`) of the point at or after raw index `raw`. */
export function positionOf(curve: Curve, raw: number): number {
  let lo = 0;
  let hi = curve.x.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (curve.x[mid] < raw) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The number of classes k whose chance-level cross-entropy ln(k) a loss sits at (k = 2…1000), or null.
 * @example chanceClassesFromLoss(2.3026) // 10
 */
export function chanceClassesFromLoss(loss: number, relTolerance = 0.01): number | null {
  if (!Number.isFinite(loss) || loss < Math.log(2) * (1 - relTolerance)) return null;
  const k = Math.round(Math.exp(loss));
  if (k < 2 || k > 1000) return null;
  return Math.abs(loss - Math.log(k)) <= relTolerance * Math.log(k) ? k : null;
}

/** Compact number for evidence strings: 3 significant digits, no trailing zeros. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) < 1e-9) return '0';
  const a = Math.abs(v);
  if (a >= 1000 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(3)));
}

/** Percentage with at most one decimal. */
export function pct(fraction: number): string {
  return `${Number((fraction * 100).toFixed(fraction < 0.1 ? 1 : 0))}%`;
}

/** Epoch range text used in evidence ("epochs 18–28"). */
export function span(a: number, b: number): string {
  return a === b ? `epoch ${a}` : `epochs ${a}–${b}`;
}
