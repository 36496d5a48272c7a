import type { DetectorContext } from '../context';
import { finding } from '../finding';
import { fmt, pct, type Curve } from '../series';
import type { Finding } from '../types';

/** Learning rates below these make the optimizer crawl on typical CNN problems. */
export const LR_LOWER: Record<string, number> = { adam: 1e-5, adamw: 1e-5, nadam: 1e-5, rmsprop: 1e-5, sgd: 1e-4, momentum: 1e-4 };
/** The loss fell by less than this share of its start over the whole run … */
export const CRAWL_MAX_PROGRESS = 0.3;
/** … while still falling steadily: at least this share of smoothed steps go down … */
const STEADY_DESCENT = 0.7;
/** … and the last third descends at least this fast relative to the first third (no deceleration: not converging). */
const NO_DECELERATION = 0.5;
const MIN_POINTS = 5;
/** The validation fallback needs a longer run: a few epochs of slow validation descent are just an early start. */
const VAL_MIN_POINTS = 8;

/**
 * A crawl: the smoothed curve fell by less than 30 % of its start yet steadily and without slowing down. The plateau
 * detector asks this too, because a slow enough crawl also fits inside its flatness band.
 */
export function crawlOf(c: Curve): { progress: number; firstSlope: number; lastSlope: number } | null {
  const s = c.s;
  const m = s.length;
  if (m < MIN_POINTS) return null;
  const progress = (s[0] - s[m - 1]) / Math.max(Math.abs(s[0]), 1e-12);
  let down = 0;
  for (let i = 1; i < m; i++) if (s[i] < s[i - 1]) down++;
  const third = Math.max(1, Math.floor(m / 3));
  const firstSlope = (s[0] - s[third]) / third;
  const lastSlope = (s[m - 1 - third] - s[m - 1]) / third;
  const crawling = progress > 0 && progress < CRAWL_MAX_PROGRESS && down / (m - 1) >= STEADY_DESCENT && lastSlope > 0 && lastSlope >= NO_DECELERATION * firstSlope;
  return crawling ? { progress, firstSlope, lastSlope } : null;
}

/**
 * The loss curve that crawls: the training loss, else the validation loss (no dropout or minibatch noise, so it shows a
 * crawl the noisy training curve hides) as long as the training loss has not made real progress either.
 */
export function crawlingLoss(ctx: DetectorContext): { curve: Curve; progress: number; firstSlope: number; lastSlope: number } | null {
  const train = ctx.loss && ctx.loss.y.length >= MIN_POINTS ? ctx.loss : undefined;
  const trainCrawl = train ? crawlOf(train) : null;
  if (trainCrawl) return { curve: train!, ...trainCrawl };
  if (!ctx.valLoss || ctx.valLoss.y.length < VAL_MIN_POINTS) return null;
  if (train && (train.s[0] - train.s[train.s.length - 1]) / Math.max(Math.abs(train.s[0]), 1e-12) >= CRAWL_MAX_PROGRESS) return null;
  const valCrawl = crawlOf(ctx.valLoss);
  return valCrawl ? { curve: ctx.valLoss, ...valCrawl } : null;
}

/**
 * `lr_too_low`: the loss crawls — it descends steadily without slowing down but has covered < 30 % of its start by the
 * end. A declared rate below the optimizer's usual lower bound raises the confidence.
 */
export function detectLrTooLow(ctx: DetectorContext): Finding[] {
  if (ctx.earlier.some((f) => ['divergence', 'nan_loss', 'stuck_at_chance', 'plateau'].includes(f.id) && f.severity !== 'info')) return [];
  const crawl = crawlingLoss(ctx);
  if (!crawl) return [];
  const { curve: c, progress, firstSlope, lastSlope } = crawl;
  const s = c.s;
  const m = s.length;
  const opt = String(ctx.log.run?.optimizer ?? '').toLowerCase();
  const bound = LR_LOWER[opt];
  const lr = ctx.learningRate0;
  const below = bound !== undefined && lr !== null && lr < bound;
  return [
    finding('lr_too_low', 'warning', c.x[0], below ? 0.8 : 0.6, 'Learning rate likely too low: the loss is crawling',
      `${c.name} fell only ${pct(progress)} (${fmt(s[0])}→${fmt(s[m - 1])}) yet is still descending at an undiminished pace (${fmt(lastSlope)} per ${ctx.unit} in the last third vs ${fmt(firstSlope)} in the first)` +
        (below ? `; learning rate ${fmt(lr!)} is below the usual ${fmt(bound)} for ${opt}` : '')),
  ];
}
