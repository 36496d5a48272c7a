import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { edgeWindow, fmt, mean, pct, toCurve } from '../series';
import type { Finding } from '../types';

/** Share of units dead on every probe input at the end of training (DeepDiagnosis and AUTOTRAINER use 70 %). */
export const DEAD_WARNING = 0.5;
export const DEAD_CRITICAL = 0.9;
const NOT_RELU = new Set(['sigmoid', 'tanh', 'softmax', 'linear', 'hard_sigmoid', 'softsign', 'leaky_relu', 'elu', 'selu', 'prelu', 'swish', 'gelu']);

/**
 * `dead_relu`: a ReLU layer whose dead-unit fraction (units outputting 0 for every probe input) averages ≥ 0.5 over
 * the last epochs. One finding per layer; onset is where the fraction crossed 0.5 for good.
 */
export function detectDeadRelu(ctx: DetectorContext): Finding[] {
  const out: Finding[] = [];
  for (const layer of ctx.log.layers ?? []) {
    if (!layer.deadFraction || (layer.activation && NOT_RELU.has(layer.activation.toLowerCase()))) continue;
    const c = toCurve(layer.name, layer.deadFraction);
    if (c.y.length === 0) continue;
    const w = edgeWindow(c.y.length);
    const level = mean(c.y, c.y.length - w);
    if (level < DEAD_WARNING) continue;
    let onset = c.y.length - 1;
    while (onset > 0 && c.y[onset - 1] >= DEAD_WARNING) onset--;
    out.push(
      finding('dead_relu', level >= DEAD_CRITICAL ? 'critical' : 'warning', c.x[onset], Math.min(0.95, 0.5 + level / 2),
        `${pct(level)} of ${layer.name}'s units are dead`,
        `deadFraction of ${layer.name} ${fmt(c.y[0])} at ${ctx.unit} ${c.x[0]} → ${fmt(level)} over the last ${w} ${ctx.unit}(s) (≥ ${DEAD_WARNING} since ${ctx.unit} ${c.x[onset]})`,
        layer.name),
    );
  }
  return out;
}
