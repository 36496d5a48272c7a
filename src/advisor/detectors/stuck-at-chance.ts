import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { fmt, mean, span } from '../series';
import type { Finding } from '../types';

/** The loss sits at chance when within this fraction of ln(k) (0.693 ± 0.014 for two classes). */
export const CHANCE_LOSS_TOLERANCE = 0.02;
/** Accuracy within max(this, 0.5/k) of 1/k is chance level. */
export const CHANCE_ACC_TOLERANCE = 0.05;
/** An accuracy that moves less than this over the tail is frozen (the model predicts a constant: the class prior). */
const FROZEN_ACC_RANGE = 0.01;

/**
 * `stuck_at_chance`: the model learned nothing — the loss stays at ln(k) (k from `run.numClasses`, the output layer or
 * the loss level itself) with accuracy ≈ 1/k or frozen at a class prior, over at least the second half of the run.
 */
export function detectStuckAtChance(ctx: DetectorContext): Finding[] {
  const k = ctx.numClasses;
  const c = ctx.loss && ctx.loss.y.length > 0 ? ctx.loss : ctx.valLoss;
  if (!k || !c || c.y.length < 2) return [];
  const chance = Math.log(k);
  const tol = CHANCE_LOSS_TOLERANCE * chance;
  const m = c.y.length;
  // The smoothed loss stays within tol of ln(k) from `onset` to the end.
  let onset = m;
  while (onset > 0 && Math.abs(c.s[onset - 1] - chance) <= tol) onset--;
  const stuckLength = m - onset;
  if (stuckLength < Math.max(2, Math.ceil(m / 2))) return [];

  const acc = ctx.accuracy ?? ctx.valAccuracy;
  let accText = '';
  if (acc && acc.y.length > 0) {
    const from = Math.floor(acc.y.length / 2);
    const tail = acc.y.slice(from);
    const level = mean(tail);
    const lo = Math.min(...tail);
    const hi = Math.max(...tail);
    const atChance = Math.abs(level - 1 / k) <= Math.max(CHANCE_ACC_TOLERANCE, 0.5 / k);
    const frozen = hi - lo <= FROZEN_ACC_RANGE;
    if (!atChance && !frozen) return [];
    accText = atChance
      ? `; ${acc.name} ${fmt(lo)}–${fmt(hi)} ≈ 1/${k} = ${fmt(1 / k)}`
      : `; ${acc.name} frozen at ${fmt(level)} (a constant prediction: the class prior)`;
  }
  const level = mean(c.y, onset);
  const fromStart = c.x[onset] <= Math.max(1, 0.1 * c.length);
  const kText = ctx.numClassesSource === 'loss' ? `ln ${k} = ${fmt(chance)} (k inferred from the loss level)` : `ln ${k} = ${fmt(chance)} for ${k} classes`;
  return [
    finding('stuck_at_chance', fromStart ? 'critical' : 'warning', c.x[onset], acc ? 0.9 : 0.7,
      fromStart ? 'The model never learned: loss at chance level' : `The model fell back to chance level at ${ctx.unit} ${c.x[onset]}`,
      `${c.name} sat at ${fmt(level)} ≈ ${kText} over ${span(c.x[onset], c.x[m - 1])}${accText}`),
  ];
}
