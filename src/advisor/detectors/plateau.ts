import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { edgeWindow, fmt, mean, pct, smoothingHalfWidth, span, type Curve } from '../series';
import type { Finding } from '../types';
import { crawlingLoss } from './lr-too-low';

const MIN_POINTS = 8;
/** The smoothed loss stays inside a band of this relative width (or 2 standard errors of its noise) … */
export const PLATEAU_BAND = 0.015;
/** … for at least this share of the run (and 5 points) to be a plateau. */
export const PLATEAU_MIN_FRACTION = 0.3;
/** A plateau above this share of the initial loss (no accuracy logged) means training stalled, not converged. */
const HIGH_LOSS_FRACTION = 0.5;
/** With accuracy: a plateau below this accuracy (absolute, or normalized above chance when k is known) stalled. */
const LOW_ACCURACY = 0.7;

export interface Plateau {
  curve: Curve;
  start: number;
  level: number;
  length: number;
  band: number;
}

/** The flat tail of a curve: the longest suffix whose smoothed values stay within a band around their level. */
export function flatTail(c: Curve): Plateau | null {
  const m = c.s.length;
  if (m < MIN_POINTS) return null;
  // Noise-aware: a smoothed curve wobbling by 2 standard errors is flat, whatever its level.
  const band = Math.max(PLATEAU_BAND * Math.abs(c.s[m - 1]), (2 * c.noise) / Math.sqrt(2 * smoothingHalfWidth(m) + 1), 1e-9);
  let lo = c.s[m - 1];
  let hi = lo;
  let j = m - 1;
  while (j > 0) {
    const v = c.s[j - 1];
    if (Math.max(hi, v) - Math.min(lo, v) > band) break;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    j--;
  }
  const length = m - j;
  if (length < Math.max(5, PLATEAU_MIN_FRACTION * m)) return null;
  return { curve: c, start: j, level: mean(c.y, j), length, band };
}

/**
 * `plateau`: the (training, else validation) loss stopped moving — its smoothed curve stays within a ±1.5 % (or 2-standard-error) band for ≥ 30 %
 * of the run. Warning when it stalled at a high level (accuracy < 0.7, or loss > half its start); info when it simply
 * converged (then the tail was wasted compute).
 */
export function detectPlateau(ctx: DetectorContext): Finding[] {
  const c = ctx.loss && ctx.loss.y.length >= MIN_POINTS ? ctx.loss : ctx.valLoss;
  if (!c) return [];
  const p = flatTail(c);
  // A steady, undecelerated descent is a crawl (lr_too_low), however slow: not a plateau.
  if (!p || crawlingLoss(ctx)) return [];
  const m = c.y.length;
  const acc = ctx.accuracy ?? ctx.valAccuracy;
  let high: boolean;
  let why: string;
  if (acc && acc.y.length > 0) {
    const a = mean(acc.y, acc.y.length - edgeWindow(acc.y.length));
    const k = ctx.numClasses;
    const norm = k ? (a - 1 / k) / (1 - 1 / k) : a;
    high = norm < LOW_ACCURACY;
    why = `${acc.name} ${fmt(a)} at the end`;
  } else {
    const startLevel = Math.max(...c.s.slice(0, edgeWindow(m)));
    high = p.level > HIGH_LOSS_FRACTION * startLevel;
    why = `${pct(p.level / startLevel)} of the initial loss`;
  }
  const onset = c.x[p.start];
  return [
    finding('plateau', high ? 'warning' : 'info', onset, high ? 0.75 : 0.5,
      high ? `${c.name} stalled at a high level from ${ctx.unit} ${onset}` : `${c.name} converged by ${ctx.unit} ${onset}`,
      `${c.name} stayed within ±${fmt(p.band)} of ${fmt(p.level)} over ${span(onset, c.x[m - 1])} (${pct(p.length / m)} of the run); ${why}`),
  ];
}
