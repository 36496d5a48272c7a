import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { fmt } from '../series';
import type { Finding } from '../types';
import { lossScale, MIN_ALTERNATION, NOISY_TRAIN, swingOf, swings } from './oscillation';

/** Learning rates above these are outside the range the optimizer is usually stable in (UMLAUT-style bounds). */
export const LR_UPPER: Record<string, number> = { adam: 0.01, adamw: 0.01, nadam: 0.01, rmsprop: 0.01, adagrad: 0.5, sgd: 0.5, momentum: 0.5 };

/**
 * `lr_too_high`: the cause behind instability — training loss diverging or going NaN after progress, or the training
 * curves themselves oscillating — optionally backed by a declared rate above the optimizer's usual bound. A declared
 * high rate alone is only info.
 */
export function detectLrTooHigh(ctx: DetectorContext): Finding[] {
  const signs: string[] = [];
  let onset: number | null = null;
  let confidence = 0;
  const div = ctx.earlier.find((f) => f.id === 'divergence');
  if (div && (ctx.loss || !ctx.valLoss)) {
    signs.push(`training ${div.evidence}`);
    onset = div.epoch;
    confidence = 0.7;
  }
  const nan = ctx.earlier.find((f) => f.id === 'nan_loss' && f.confidence < 0.95);
  if (nan && !div) {
    signs.push(nan.evidence);
    onset ??= nan.epoch;
    confidence = Math.max(confidence, 0.6);
  }
  const trainSwing = swings(ctx, 'train')[0];
  if (trainSwing) {
    signs.push(`${trainSwing.curve.name} oscillates (σ ${fmt(trainSwing.sigma)} around its trend, ${Math.round(trainSwing.alternation * 100)}% direction changes)`);
    onset ??= trainSwing.curve.x[1] ?? trainSwing.curve.x[0];
    confidence = Math.max(confidence, 0.6);
  } else {
    // Noisy (not yet oscillating) training curves that stopped descending while validation swings: steps too big.
    const scale = lossScale(ctx);
    const noisy = [swingOf(ctx.loss, 'loss', scale), swingOf(ctx.accuracy, 'accuracy', scale)]
      .filter((s) => s && s.strength >= NOISY_TRAIN && s.alternation >= MIN_ALTERNATION)
      .sort((a, b) => b!.strength - a!.strength)[0];
    const stalled = ctx.earlier.find((f) => (f.id === 'plateau' || f.id === 'underfitting') && f.severity !== 'info');
    const valSwing = ctx.earlier.find((f) => f.id === 'oscillation');
    if (noisy && stalled && valSwing) {
      signs.push(`${noisy.curve.name} is noisy (σ ${fmt(noisy.sigma)}, ${Math.round(noisy.alternation * 100)}% direction changes) and stalled (${stalled.evidence.split(';')[0]}) while the validation metrics swing`);
      onset ??= stalled.epoch;
      confidence = Math.max(confidence, 0.5);
    }
  }
  const opt = String(ctx.log.run?.optimizer ?? '').toLowerCase();
  const bound = LR_UPPER[opt];
  const lr = ctx.learningRate0;
  const aboveBound = bound !== undefined && lr !== null && lr > bound;
  if (aboveBound) signs.push(`learning rate ${fmt(lr!)} is above the usual ${fmt(bound)} for ${opt}`);
  if (signs.length === 0) return [];
  if (confidence === 0) {
    return [finding('lr_too_high', 'info', 0, 0.4, `Learning rate ${fmt(lr!)} is high for ${opt}`, signs.join('; '))];
  }
  if (aboveBound) confidence += 0.15;
  return [finding('lr_too_high', 'warning', onset ?? 0, confidence, 'Learning rate likely too high', signs.join('; '))];
}
