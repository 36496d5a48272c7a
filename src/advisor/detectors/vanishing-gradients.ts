import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { fmt, median, toCurve } from '../series';
import type { Finding } from '../types';

/** First-layer gradient norm below this share of the last layer's (median over the second half) → vanishing. */
export const VANISH_RATIO_WARNING = 1e-3;
export const VANISH_RATIO_CRITICAL = 1e-5;

/**
 * `vanishing_gradients`: with per-layer gradient norms, the first layer's gradient is ≥ 1000× smaller than the last's
 * (AUTOTRAINER's ratio test, judged on the median of the second half rather than one epoch). Without them, a loss stuck
 * flat at ln(k) from the start, or a deep sigmoid/tanh stack that does not learn, is reported as a low-confidence hint.
 */
export function detectVanishingGradients(ctx: DetectorContext): Finding[] {
  const layers = (ctx.log.layers ?? []).filter((l) => l.gradNorm && l.gradNorm.some((v) => typeof v === 'number' && Number.isFinite(v)));
  if (layers.length >= 2) {
    const first = toCurve(layers[0].name, layers[0].gradNorm!);
    const last = toCurve(layers[layers.length - 1].name, layers[layers.length - 1].gradNorm!);
    const n = Math.min(first.y.length, last.y.length);
    if (n === 0) return [];
    const ratios: number[] = [];
    for (let i = Math.floor(n / 2); i < n; i++) ratios.push(first.y[i] / Math.max(last.y[i], 1e-30));
    const r = median(ratios);
    if (!(r < VANISH_RATIO_WARNING)) return [];
    let onset = 0;
    for (let i = 0; i < n; i++) if (first.y[i] / Math.max(last.y[i], 1e-30) < VANISH_RATIO_WARNING) { onset = first.x[i]; break; }
    return [
      finding('vanishing_gradients', r < VANISH_RATIO_CRITICAL ? 'critical' : 'warning', onset, 0.85,
        `Gradients vanish before reaching ${first.name}`,
        `gradient norm of ${first.name} is ${fmt(r)}× that of ${last.name} (median over the second half: ${fmt(median(first.y.slice(Math.floor(n / 2))))} vs ${fmt(median(last.y.slice(Math.floor(n / 2))))})`,
        first.name),
    ];
  }
  const stuck = ctx.earlier.find((f) => f.id === 'stuck_at_chance');
  const deep = ctx.earlier.some((f) => f.id === 'deep_saturating_stack');
  if (stuck && stuck.epoch !== null && stuck.epoch <= Math.max(1, 0.1 * ctx.length)) {
    return [
      finding('vanishing_gradients', deep ? 'warning' : 'info', stuck.epoch, deep ? 0.55 : 0.3,
        'Possibly vanishing gradients (no per-layer gradients to confirm)',
        `the loss sits flat at chance level from ${ctx.unit} ${stuck.epoch} on, as when almost no gradient reaches the early layers${deep ? ' and the model stacks several sigmoid/tanh layers' : ''}; per-layer gradient norms would confirm it`),
    ];
  }
  return [];
}
