import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { alternation, fmt, type Curve } from '../series';
import type { Finding } from '../types';

/** Epoch-to-epoch σ of an accuracy (absolute) that is a swing, not noise: 3.5 points. */
export const ACC_SWING = 0.035;
/** Epoch-to-epoch σ of a loss, relative to the untrained loss level, that is a swing. */
export const LOSS_SWING = 0.06;
/** Share of direction changes: white noise ≈ 0.67, a smooth descent ≈ 0 (AUTOTRAINER counts these). */
export const MIN_ALTERNATION = 0.45;
const MIN_POINTS = 6;
/** Training curves at this share of the swing threshold are noisy, not smooth (supports lr_too_high). */
export const NOISY_TRAIN = 0.6;

export interface Swing {
  curve: Curve;
  sigma: number;
  /** σ relative to the metric's threshold scale (≥ 1 means it swings). */
  strength: number;
  alternation: number;
}

/** The untrained loss level, the scale loss swings are judged against: the larger smoothed start of loss/val_loss. */
export function lossScale(ctx: DetectorContext): number {
  const starts = [ctx.loss, ctx.valLoss].filter((c) => c && c.s.length > 0).map((c) => Math.abs(c!.s[0]));
  if (ctx.numClasses) starts.push(Math.log(ctx.numClasses));
  return Math.max(1e-12, ...starts);
}

/** How strongly a curve swings around its trend (σ from second differences, so a trend does not count). */
export function swingOf(c: Curve | undefined, kind: 'accuracy' | 'loss', scale: number): Swing | null {
  if (!c || c.y.length < MIN_POINTS) return null;
  const sigma = c.noise;
  const strength = kind === 'accuracy' ? sigma / ACC_SWING : sigma / scale / LOSS_SWING;
  return { curve: c, sigma, strength, alternation: alternation(c.y) };
}

/** Curves that swing: strength ≥ 1 and direction changes on ≥ 45 % of steps. */
export function swings(ctx: DetectorContext, side: 'train' | 'validation' | 'both' = 'both'): Swing[] {
  const scale = lossScale(ctx);
  const candidates: Array<Swing | null> = [];
  if (side !== 'train') candidates.push(swingOf(ctx.valAccuracy, 'accuracy', scale), swingOf(ctx.valLoss, 'loss', scale));
  if (side !== 'validation') candidates.push(swingOf(ctx.accuracy, 'accuracy', scale), swingOf(ctx.loss, 'loss', scale));
  return candidates.filter((s): s is Swing => !!s && s.strength >= 1 && s.alternation >= MIN_ALTERNATION).sort((a, b) => b.strength - a.strength);
}

/**
 * `oscillation`: a metric swings up and down around its trend epoch after epoch — σ of the second differences ≥ 3.5
 * accuracy points or ≥ 6 % of the untrained loss, with direction changes on ≥ 45 % of steps.
 */
export function detectOscillation(ctx: DetectorContext): Finding[] {
  const found = swings(ctx);
  if (found.length === 0) return [];
  const top = found[0];
  const c = top.curve;
  let onset = c.x[0];
  for (let i = 0; i < c.y.length; i++) if (Math.abs(c.y[i] - c.s[i]) >= 1.5 * top.sigma) { onset = c.x[Math.max(0, i - 1)]; break; }
  const names = found.map((s) => s.curve.name);
  const trainSide = found.some((s) => s.curve === ctx.loss || s.curve === ctx.accuracy);
  const scale = lossScale(ctx);
  const trainNoise = Math.max(swingOf(ctx.loss, 'loss', scale)?.strength ?? 0, swingOf(ctx.accuracy, 'accuracy', scale)?.strength ?? 0);
  const lo = Math.min(...c.y.slice(1));
  const hi = Math.max(...c.y.slice(1));
  return [
    finding('oscillation', 'warning', onset, Math.min(0.95, 0.45 + 0.15 * top.strength + 0.3 * (top.alternation - MIN_ALTERNATION)),
      `${names.join(', ')} ${names.length > 1 ? 'oscillate' : 'oscillates'}${trainSide || trainNoise >= NOISY_TRAIN ? '' : ' (validation only)'}`,
      `${c.name} swings between ${fmt(lo)} and ${fmt(hi)}: ${ctx.unit}-to-${ctx.unit} σ ${fmt(top.sigma)} around its trend, direction changed on ${Math.round(top.alternation * 100)}% of ${ctx.unit}s` +
        (trainSide
          ? ''
          : trainNoise < NOISY_TRAIN
            ? `; the training curves are smooth, so the validation set is small or unrepresentative, or batch statistics are unstable`
            : `; the training curves are noisy too (${Math.round(trainNoise * 100)}% of the swing threshold): the optimizer steps are too large`)),
  ];
}
