import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { edgeWindow, fmt, mean } from '../series';
import type { Finding } from '../types';

/** Training accuracy below this (absolute; normalized above chance when k is known: 0.35) is underfitting. */
export const LOW_TRAIN_ACCURACY = 0.5;
export const LOW_NORMALIZED_ACCURACY = 0.35;
/** Accuracy still gaining this much over the last third → the run is just short ("train longer"), info only. */
const STILL_IMPROVING = 0.03;

/**
 * `underfitting`: the model does not fit its own training data — training accuracy ends low (< 0.5, or < 35 % of the
 * way from chance to perfect) with no large train/val gap. Warning when it has stopped improving; info when the curve is
 * still climbing (too few epochs). Not reported when the model is stuck at chance (that is the story then).
 */
export function detectUnderfitting(ctx: DetectorContext): Finding[] {
  if (ctx.earlier.some((f) => f.id === 'stuck_at_chance' || f.id === 'nan_loss')) return [];
  const acc = ctx.accuracy ?? ctx.valAccuracy;
  if (!acc || acc.y.length < 3) return [];
  const m = acc.y.length;
  const level = mean(acc.y, m - edgeWindow(m));
  const k = ctx.numClasses;
  const norm = k ? (level - 1 / k) / (1 - 1 / k) : null;
  const low = norm !== null ? norm < LOW_NORMALIZED_ACCURACY : level < LOW_TRAIN_ACCURACY;
  if (!low) return [];
  const third = Math.max(1, Math.floor(m / 3));
  const gain = acc.s[m - 1] - acc.s[m - 1 - third];
  const improving = gain > STILL_IMPROVING;
  const onset = acc.x[improving ? m - 1 : Math.max(0, m - 1 - third)];
  const vs = ctx.valAccuracy && acc !== ctx.valAccuracy ? `, ${ctx.valAccuracy.name} ${fmt(mean(ctx.valAccuracy.y, ctx.valAccuracy.y.length - edgeWindow(ctx.valAccuracy.y.length)))}` : '';
  return [
    finding('underfitting', improving ? 'info' : 'warning', onset, improving ? 0.5 : 0.7,
      improving ? 'Still underfitting: accuracy is low and still rising' : 'Underfitting: the model cannot fit the training data',
      `${acc.name} ends at ${fmt(level)}${norm !== null ? ` (${Math.round(norm * 100)}% of the way from chance 1/${k} to 1)` : ''}${vs}; it changed by ${fmt(gain)} over the last third of the run`),
  ];
}
