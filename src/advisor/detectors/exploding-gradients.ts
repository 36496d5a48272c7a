import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { argmax, edgeWindow, fmt, median, toCurve, type Curve } from '../series';
import type { Finding } from '../types';

/** Sustained (smoothed) growth of a gradient norm over its early level that counts as exploding. */
export const GRAD_GROWTH_WARNING = 50;
export const GRAD_GROWTH_CRITICAL = 1e4;

interface GradSource {
  curve: Curve;
  layer?: string;
}

/** Gradient-norm series available in the log: the global `grad_norm` metric and per-layer `gradNorm`. */
export function gradientSources(ctx: DetectorContext): GradSource[] {
  const out: GradSource[] = [];
  if (ctx.gradNorm) out.push({ curve: ctx.gradNorm });
  for (const l of ctx.log.layers ?? []) if (l.gradNorm && l.gradNorm.length > 0) out.push({ curve: toCurve(`${l.name} gradNorm`, l.gradNorm), layer: l.name });
  return out;
}

/**
 * `exploding_gradients`: a gradient norm that turns non-finite, or grows ≥ 50× over its early level on the smoothed
 * curve (≥ 10⁴× critical). One finding, for the worst layer.
 */
export function detectExplodingGradients(ctx: DetectorContext): Finding[] {
  let worst: { growth: number; src: GradSource; onset: number; base: number; peak: number; nonFinite: boolean } | null = null;
  for (const src of gradientSources(ctx)) {
    const c = src.curve;
    if (c.nonFinite.length > 0 && (c.y.length === 0 || c.nonFinite[0] >= c.x[0])) {
      const g = { growth: Infinity, src, onset: c.nonFinite[0], base: c.y[0] ?? NaN, peak: Infinity, nonFinite: true };
      if (!worst || worst.growth !== Infinity || g.onset < worst.onset) worst = g;
      continue;
    }
    if (c.y.length < 3) continue;
    const w = edgeWindow(c.y.length);
    const base = Math.max(median(c.y.slice(0, w)), 1e-12);
    const pi = argmax(c.s);
    const growth = c.s[pi] / base;
    if (growth >= GRAD_GROWTH_WARNING && (!worst || (worst.growth !== Infinity && growth > worst.growth))) {
      let onset = pi;
      for (let i = 0; i <= pi; i++) if (c.s[i] >= base * Math.sqrt(growth)) { onset = i; break; }
      worst = { growth, src, onset: c.x[onset], base, peak: c.s[pi], nonFinite: false };
    }
  }
  if (!worst) return [];
  const { src } = worst;
  if (worst.nonFinite) {
    return [finding('exploding_gradients', 'critical', worst.onset, 0.9, `Gradient norm became non-finite${src.layer ? ` in ${src.layer}` : ''}`,
      `${src.curve.name} was ${fmt(worst.base)} at first and non-finite at ${ctx.unit} ${worst.onset}`, src.layer)];
  }
  return [finding('exploding_gradients', worst.growth >= GRAD_GROWTH_CRITICAL ? 'critical' : 'warning', worst.onset, Math.min(0.95, 0.6 + Math.log10(worst.growth) / 10),
    `Gradient norm grew ${fmt(worst.growth)}×${src.layer ? ` in ${src.layer}` : ''}`,
    `${src.curve.name} rose from ${fmt(worst.base)} (first ${ctx.unit}s) to ${fmt(worst.peak)} (smoothed) from ${ctx.unit} ${worst.onset}`, src.layer)];
}
