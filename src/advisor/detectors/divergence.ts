import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { argmin, edgeWindow, fmt, mean, span } from '../series';
import type { Finding } from '../types';
import { beforeNonFinite } from './nan-loss';

/** A rise after the minimum must exceed this share of the minimum itself … */
const RISE_OVER_MIN = 0.5;
/** … and give back at least this share of the progress made, so a converged loss wobbling near 0 is not "divergence". */
const RISE_OVER_PROGRESS = 0.3;
/** From the start: the loss ends this much above where it began. */
const RISE_FROM_START = 0.5;
/** The rise must stand out of the point-to-point noise by this many standard errors. */
const RISE_Z = 3;
/**
 * A fresh k-class classifier starts near ln k; a training loss this many times above it from the first epoch on means
 * the first steps already blew the model up (confidently wrong), before any curve could show the climb.
 */
export const ABOVE_CHANCE = 3;

/**
 * `divergence`: the training loss (validation loss only when no training loss is logged) goes back up after making
 * progress, or climbs from the start, or turns NaN after progress, or sits far above chance level ln k from the first
 * epochs on. Judged on the smoothed curve, not one bad epoch.
 */
export function detectDivergence(ctx: DetectorContext): Finding[] {
  const c = ctx.loss && ctx.loss.y.length > 0 ? ctx.loss : ctx.valLoss;
  if (!c || c.y.length === 0) return [];
  const unit = ctx.unit;

  if (c.nonFinite.length > 0) {
    const { onset, before, progressed } = beforeNonFinite(c);
    if (progressed) {
      return [
        finding('divergence', 'critical', onset, 0.85, `Training diverged to NaN at ${unit} ${onset}`,
          `${c.name} fell ${fmt(before[0])}→${fmt(Math.min(...before))} by ${unit} ${c.x[argmin(before)]}, then became non-finite at ${unit} ${onset}`),
      ];
    }
    if (before.length < 2) return [];
  }

  const m = c.y.length;
  if (m < 4) return [];
  const s = c.s;
  const w = edgeWindow(m);
  const start = s[0];
  const end = mean(c.y, m - w);
  const se = c.noise / Math.sqrt(w) + 1e-12;
  const mi = argmin(s);

  const chance = ctx.numClasses !== null ? Math.log(ctx.numClasses) : null;
  if (chance !== null && s[0] > ABOVE_CHANCE * chance && end > ABOVE_CHANCE * chance) {
    const onset = c.y.findIndex((v) => v > ABOVE_CHANCE * chance);
    return [
      finding('divergence', 'critical', c.x[onset], 0.8, `${c.name} blew up in the first ${unit}s`,
        `${c.name} is ${fmt(c.y[onset])} at ${unit} ${c.x[onset]} and ${fmt(end)} at the end, ${fmt(end / chance)}× the ${fmt(chance)} (ln ${ctx.numClasses}) an untrained ${ctx.numClasses}-class model starts at`),
    ];
  }

  if (mi === 0 || start - s[mi] < 2 * se) {
    const rise = end - start;
    if (rise > RISE_FROM_START * Math.abs(start) && rise > RISE_Z * se) {
      return [
        finding('divergence', 'critical', c.x[0], 0.8, `${c.name} increases from the start`,
          `${c.name} rose ${fmt(start)}→${fmt(end)} over ${span(c.x[0], c.x[m - 1])} without ever improving`),
      ];
    }
    return [];
  }
  if (mi >= m - w) return [];
  const minV = s[mi];
  const rise = end - minV;
  if (rise < RISE_OVER_MIN * Math.abs(minV) || rise < RISE_OVER_PROGRESS * (start - minV) || rise < RISE_Z * se) return [];
  // Onset: the last point still near the minimum before the climb (within 10 % of the rise).
  let onset = mi;
  while (onset + 1 < m && s[onset + 1] <= minV + 0.1 * rise) onset++;
  const lostAll = end >= start;
  return [
    finding('divergence', lostAll ? 'critical' : 'warning', c.x[onset], Math.min(0.95, 0.6 + rise / (start - minV + 1e-12) / 3),
      lostAll ? `${c.name} diverged: all progress lost` : `${c.name} climbs back up after ${unit} ${c.x[mi]}`,
      `${c.name} fell ${fmt(start)}→${fmt(minV)} by ${unit} ${c.x[mi]}, then rose to ${fmt(end)} over ${span(c.x[onset], c.x[m - 1])}`),
  ];
}
