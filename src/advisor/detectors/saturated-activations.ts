import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { edgeWindow, fmt, mean, pct, toCurve } from '../series';
import type { Finding, Series } from '../types';

/** Share of a sigmoid/tanh layer's units pinned at an asymptote (DeepDiagnosis: pre-activation outside ±5). */
export const SATURATED_WARNING = 0.5;
const SATURATING = new Set(['sigmoid', 'tanh', 'hard_sigmoid', 'softsign']);

/**
 * `saturated_activations`: a sigmoid/tanh layer with ≥ 50 % of its units saturated over the last epochs, read from
 * `saturatedFraction` when logged, else from `deadFraction` (a sigmoid unit outputting 0 on every input is saturated).
 */
export function detectSaturatedActivations(ctx: DetectorContext): Finding[] {
  const out: Finding[] = [];
  for (const layer of ctx.log.layers ?? []) {
    const act = layer.activation?.toLowerCase();
    const series: Series | undefined = layer.saturatedFraction ?? (act && SATURATING.has(act) ? layer.deadFraction : undefined);
    if (!series || (act && !SATURATING.has(act) && !layer.saturatedFraction)) continue;
    const c = toCurve(layer.name, series);
    if (c.y.length === 0) continue;
    const level = mean(c.y, c.y.length - edgeWindow(c.y.length));
    if (level < SATURATED_WARNING) continue;
    let onset = c.y.length - 1;
    while (onset > 0 && c.y[onset - 1] >= SATURATED_WARNING) onset--;
    out.push(
      finding('saturated_activations', 'warning', c.x[onset], 0.75, `${pct(level)} of ${layer.name}'s ${act ?? ''} units are saturated`,
        `${layer.saturatedFraction ? 'saturatedFraction' : 'deadFraction'} of ${layer.name} (${act ?? 'activation unknown'}) is ${fmt(level)} at the end, ≥ ${SATURATED_WARNING} since ${ctx.unit} ${c.x[onset]}: their gradients are ~0`,
        layer.name),
    );
  }
  return out;
}
