import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { edgeWindow, fmt, mean, pct } from '../series';
import type { Finding } from '../types';

/** A run this long (logged points, or declared epochs) whose training loss fell below this share of its start may well be memorizing. */
const LONG_RUN_EPOCHS = 20;
const MEMORIZING_LOSS_FRACTION = 0.3;

/**
 * `no_validation_data`: no validation series, so overfitting and the best epoch cannot be judged. Info for short runs;
 * a warning for long runs that drove the training loss far down, where unseen overfitting is likely.
 */
export function detectNoValidationData(ctx: DetectorContext): Finding[] {
  if (ctx.valLoss || ctx.valAccuracy) return [];
  const t = ctx.loss;
  let severity: 'info' | 'warning' = 'info';
  let detail = '';
  if (t && t.y.length >= 2) {
    const start = t.s[0];
    const end = mean(t.y, t.y.length - edgeWindow(t.y.length));
    const long = ctx.length >= LONG_RUN_EPOCHS || Number(ctx.log.run?.epochs) >= LONG_RUN_EPOCHS;
    const fraction = end / Math.max(Math.abs(start), 1e-12);
    if (long && fraction < MEMORIZING_LOSS_FRACTION) severity = 'warning';
    detail = `; ${t.name} fell ${fmt(start)}→${fmt(end)} (${pct(fraction)} of its start) over ${ctx.length} logged ${ctx.unit}s${ctx.log.run?.epochs ? ` (${ctx.log.run.epochs} epochs)` : ''}`;
  }
  return [
    finding('no_validation_data', severity, null, 0.95, 'No validation data: overfitting cannot be assessed',
      `no val_loss or val_accuracy series in the upload${detail}${severity === 'warning' ? ', far enough for the model to memorize the training set unseen' : ''}`),
  ];
}
