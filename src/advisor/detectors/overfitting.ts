import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { argmin, fmt, mean, positionOf, smoothingHalfWidth, span, type Curve } from '../series';
import type { Finding } from '../types';

/** Fewer validation points than this cannot show a turn. */
const MIN_POINTS = 5;
/** After the turn, at least this share of the run (and 2 points) must follow: one bad epoch is not a trend. */
const MIN_POST_FRACTION = 0.15;
/** "No material improvement" band: 2 % of the level, or 2 standard errors of the smoothed validation curve. */
const IMPROVEMENT_BAND = 0.02;
/** The generalization gap (val − train) must grow by this many standard errors of the combined noise … */
export const MIN_GAP_Z = 2;
/** … while the validation loss does not trend down over the span (regression t-statistic ≥ this) … */
const MIN_VAL_SLOPE_T = 0;
/** … and the training loss keeps falling by at least this share. */
const MIN_TRAIN_DROP = 0.05;
/** Rise (relative) of the validation loss from which overfitting is critical. */
const CRITICAL_RELATIVE_RISE = 0.5;

/** Smoothed level of `c` near raw index `x`. */
function levelAt(c: Curve, x: number): number {
  const p = Math.min(c.s.length - 1, positionOf(c, x));
  return c.s[p];
}

export interface OverfitTurn {
  /** Position (into the curve) after which the validation loss never improves materially. */
  turn: number;
  /** Position of the raw best validation value at or after the turn (the onset reported). */
  best: number;
  bestLevel: number;
  endLevel: number;
  rise: number;
  relativeRise: number;
  /** Regression t-statistic of the validation loss over the span (≥ 0: not improving). */
  slopeT: number;
  window: number;
}

/** Least-squares slope t-statistic of y over positions [a, b). */
function slopeT(y: number[], a: number, b: number): number {
  const n = b - a;
  if (n < 3) return 0;
  const mx = (a + b - 1) / 2;
  const my = mean(y, a, b);
  let sxy = 0;
  let sxx = 0;
  for (let i = a; i < b; i++) {
    sxy += (i - mx) * (y[i] - my);
    sxx += (i - mx) * (i - mx);
  }
  const slope = sxy / sxx;
  let sse = 0;
  for (let i = a; i < b; i++) sse += (y[i] - my - slope * (i - mx)) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  return se > 0 ? slope / se : slope > 0 ? Infinity : slope < 0 ? -Infinity : 0;
}

/**
 * Where the validation loss stopped improving: the first point after which the smoothed curve never drops more than a
 * noise-aware band below it, with the level there and over the last epochs. Null when too short or still improving.
 */
export function validationTurn(v: Curve): OverfitTurn | null {
  const m = v.y.length;
  if (m < MIN_POINTS) return null;
  const s = v.s;
  const h = smoothingHalfWidth(m);
  const suffixMin = new Array<number>(m);
  suffixMin[m - 1] = s[m - 1];
  for (let i = m - 2; i >= 0; i--) suffixMin[i] = Math.min(s[i], suffixMin[i + 1]);
  let k = 0;
  for (; k < m - 1; k++) {
    const band = Math.max(IMPROVEMENT_BAND * Math.abs(s[k]), (2 * v.noise) / Math.sqrt(2 * h + 1));
    if (suffixMin[k + 1] >= s[k] - band) break;
  }
  const post = m - 1 - k;
  if (post < Math.max(2, Math.ceil(MIN_POST_FRACTION * m))) return null;
  const w = Math.max(2, Math.min(post, Math.ceil(m / 5)));
  const best = argmin(v.y, k, m);
  const bestLevel = s[k];
  const endLevel = mean(v.y, m - w);
  const rise = endLevel - Math.min(bestLevel, suffixMin[k]);
  return {
    turn: k, best, bestLevel, endLevel, rise, relativeRise: rise / Math.max(Math.abs(bestLevel), 1e-12),
    slopeT: slopeT(v.y, k, m), window: w,
  };
}

/**
 * `overfitting`: after a turn the validation loss stops improving (no material drop for ≥ 15 % of the run, no downward
 * trend) while the training loss keeps falling, so the generalization gap grows by ≥ 2 standard errors of the combined
 * noise. Onset is the best validation epoch after the turn; one bad epoch moves neither the turn nor the trend.
 */
export function detectOverfitting(ctx: DetectorContext): Finding[] {
  const v = ctx.valLoss;
  const t = ctx.loss;
  if (!v || !t || t.y.length < 2) return [];
  const turn = validationTurn(v);
  if (!turn || turn.slopeT < MIN_VAL_SLOPE_T) return [];
  const m = v.y.length;
  const xk = v.x[turn.turn];
  const xe = v.x[m - turn.window];
  const trainAtTurn = levelAt(t, xk);
  const tFrom = positionOf(t, xe);
  const trainEnd = tFrom < t.y.length ? mean(t.y, tFrom) : t.s[t.s.length - 1];
  const trainDrop = (trainAtTurn - trainEnd) / Math.max(Math.abs(trainAtTurn), 1e-12);
  if (trainDrop < MIN_TRAIN_DROP) return [];
  const gapTurn = turn.bestLevel - trainAtTurn;
  const gapEnd = turn.endLevel - trainEnd;
  const h = smoothingHalfWidth(m);
  const se = Math.hypot(v.noise, t.noise) * Math.sqrt(1 / turn.window + 1 / (2 * h + 1)) + 1e-12;
  const gapZ = (gapEnd - gapTurn) / se;
  if (gapZ < MIN_GAP_Z) return [];

  const onset = v.x[turn.best];
  const bestRaw = v.y[turn.best];
  const confidence = Math.min(0.95, 0.5 + 0.05 * Math.min(gapZ, 6) + Math.min(0.15, turn.relativeRise));
  return [
    finding('overfitting', turn.relativeRise >= CRITICAL_RELATIVE_RISE ? 'critical' : 'warning', onset, confidence,
      `Overfitting from ${ctx.unit} ${onset}: validation loss stopped improving while training loss falls`,
      `${v.name} rose ${fmt(bestRaw)}→${fmt(turn.endLevel)} (mean of the last ${turn.window}) over ${span(onset, v.x[m - 1])} ` +
        `while ${t.name} fell ${fmt(levelAt(t, onset))}→${fmt(trainEnd)}; no material ${v.name} improvement since ${ctx.unit} ${xk}; ` +
        `gap ${fmt(gapTurn)}→${fmt(gapEnd)} (${fmt(gapZ)} standard errors)`),
  ];
}
