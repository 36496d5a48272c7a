import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { fmt, type Curve } from '../series';
import type { Finding } from '../types';

/** The loss counts as having progressed before going non-finite when it fell at least this much (relative). */
const PROGRESS_FRACTION = 0.02;

/**
 * The finite values of `c` before its first non-finite one (at raw index `onset`), and whether the loss made
 * progress over them before it went non-finite.
 */
export function beforeNonFinite(c: Curve): { onset: number; before: number[]; progressed: boolean } {
  const onset = c.nonFinite[0];
  const before = c.y.filter((_, i) => c.x[i] < onset);
  const progressed = before.length >= 2 && Math.min(...before) < before[0] * (1 - PROGRESS_FRACTION);
  return { onset, before, progressed };
}

/**
 * `nan_loss`: a NaN/Inf loss. From the first epoch (or before any progress) it is a bug — output activation, log(0),
 * unscaled or corrupt input — not a learning rate to tune; after progress it is a numeric blow-up.
 */
export function detectNanLoss(ctx: DetectorContext): Finding[] {
  const curves = [ctx.loss, ctx.valLoss].filter((c): c is Curve => !!c && c.nonFinite.length > 0);
  if (curves.length === 0) return [];
  const c = curves.reduce((a, b) => (b.nonFinite[0] < a.nonFinite[0] ? b : a));
  const { onset, before, progressed } = beforeNonFinite(c);
  const after = c.x.filter((x) => x > onset).length;
  const stays = after === 0;

  const acc = ctx.accuracy ?? ctx.valAccuracy;
  let accNote = '';
  if (acc && acc.y.length >= 2) {
    const lo = Math.min(...acc.y);
    const hi = Math.max(...acc.y);
    const k = ctx.numClasses;
    if (hi - lo <= 0.01) {
      accNote = `; ${acc.name} frozen at ${fmt(lo)}–${fmt(hi)}` + (k && Math.abs(hi - 1 / k) < 0.03 ? ` (chance for ${k} classes)` : ' (a constant prediction: the class prior)');
    } else if (k && Math.abs(acc.y[acc.y.length - 1] - 1 / k) < 0.03) {
      accNote = `; ${acc.name} ends at ${fmt(acc.y[acc.y.length - 1])} = chance for ${k} classes`;
    }
  }
  const arch = ctx.architecture;
  let archNote = '';
  if (arch?.outputActivation && arch.outputLayer) {
    const a = arch.outputActivation;
    if (a === 'relu' || (a === 'softmax' && arch.outputUnits === 1))
      archNote = `; the model's output layer ${arch.outputLayer.name} uses ${a}${a === 'softmax' ? ' over one unit' : ''}`;
  }
  const rest = stays ? ` and stays non-finite through ${c.length - 1 === onset ? `epoch ${onset}` : `the last logged point`}` : `; ${after} finite point(s) follow`;
  if (!progressed) {
    return [
      finding('nan_loss', 'critical', onset, 0.95, `${c.name} is non-finite from the start: a bug, not a tuning problem`,
        `${c.name} = ${String(ctx.log.metrics[c.name]?.[onset] ?? NaN).toLowerCase()} at ${ctx.unit} ${onset}${before.length ? ` after ${before.length} finite value(s) without progress` : ''}${rest}${accNote}${archNote}`),
    ];
  }
  return [
    finding('nan_loss', 'critical', onset, 0.9, `${c.name} became NaN at ${ctx.unit} ${onset} after training had progressed`,
      `${c.name} fell ${fmt(before[0])}→${fmt(Math.min(...before))} then became ${String(ctx.log.metrics[c.name]?.[onset] ?? NaN).toLowerCase()} at ${ctx.unit} ${onset}${rest}${accNote}`),
  ];
}
