/**
 * Findings + what the run tells us (its learning rate, best epoch, architecture) → ranked, concrete recommendations.
 * Values are derived from the run where it can be done (new learning rate = the run's own ÷ or ×, epochs = best + 1,
 * early-stopping patience replayed on the run's own validation curve); absolute defaults are flagged as such.
 */
import type { DetectorContext } from './context';
import { validationTurn } from './detectors/overfitting';
import { gradientSources } from './detectors/exploding-gradients';
import { severityRank } from './finding';
import { fmt, median, positionOf } from './series';
import type { Finding, FindingId, Recommendation, Series } from './types';

type Draft = Omit<Recommendation, 'priority'> & { weight: number };

/** Divide the rate by this for a blow-up (divergence, NaN after progress) … */
export const LR_CUT_STRONG = 10;
/** … and by this for oscillation, dead units or a milder "too high". */
export const LR_CUT_MILD = 3;
/** Absolute fallbacks when the run's learning rate is not in the upload. */
const DEFAULT_LR: Record<string, number> = { sgd: 0.01, momentum: 0.01 };
const DEFAULT_ADAPTIVE_LR = 1e-3;
/** Default clip norm when no gradient norms were logged (a common, safe choice). */
const DEFAULT_CLIP_NORM = 1;

/** Round to 2 significant digits so a value reads like a hyperparameter (3.3e-4, not 3.3333e-4). */
export function roundRate(v: number): number {
  return Number(v.toPrecision(2));
}

/** The learning rate in effect at `epoch`: the logged `learning_rate` there, else `run.learningRate`. */
function lrAt(ctx: DetectorContext, epoch: number | null): { value: number; source: string } | null {
  const lrc = ctx.learningRate;
  if (lrc && lrc.y.length > 0 && epoch !== null) {
    const p = Math.min(lrc.y.length - 1, positionOf(lrc, epoch));
    if (lrc.y[p] > 0) return { value: lrc.y[p], source: `the logged learning_rate at ${ctx.unit} ${lrc.x[p]}` };
  }
  if (ctx.learningRate0 !== null) return { value: ctx.learningRate0, source: 'the run\'s learning rate' };
  return null;
}

function lrDraft(ctx: DetectorContext, f: Finding, direction: 'decrease' | 'increase', factor: number, why: string): Draft {
  const lr = lrAt(ctx, f.epoch);
  const opt = String(ctx.log.run?.optimizer ?? '').toLowerCase();
  if (lr) {
    const value = roundRate(direction === 'decrease' ? lr.value / factor : lr.value * factor);
    return {
      parameter: 'learning_rate', action: direction, value, addresses: [f.id], weight: 0,
      rationale: `${why}: ${direction === 'decrease' ? 'divide' : 'multiply'} ${lr.source} (${fmt(lr.value)}) by ${factor} → ${fmt(value)}`,
    };
  }
  const fallback = direction === 'decrease' ? (DEFAULT_LR[opt] ?? DEFAULT_ADAPTIVE_LR) / factor : DEFAULT_LR[opt] ?? DEFAULT_ADAPTIVE_LR;
  return {
    parameter: 'learning_rate', action: 'set', value: roundRate(fallback), addresses: [f.id], weight: 0,
    rationale: `${why}; the run's learning rate is not in the upload, so ${fmt(fallback)} is an absolute default for ${opt || 'an adaptive optimizer'} (${direction} from what you used if yours was already on that side)`,
  };
}

/**
 * Patience an early-stopping callback (monitor val_loss, restore best weights) needed to reach the best epoch without
 * stopping early: one more than the longest stretch without a new best before it.
 */
export function patienceToReachBest(series: Series, best: number): number {
  let bestSoFar = Infinity;
  let since = 0;
  let longest = 0;
  for (let i = 0; i <= best && i < series.length; i++) {
    const v = series[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      since++;
      continue;
    }
    if (v < bestSoFar) {
      bestSoFar = v;
      longest = Math.max(longest, since);
      since = 0;
    } else since++;
  }
  return longest + 1;
}

function draftsFor(f: Finding, ctx: DetectorContext, all: Finding[]): Draft[] {
  const d = (parameter: Recommendation['parameter'], action: Recommendation['action'], value: Recommendation['value'], rationale: string, layer?: string): Draft => ({
    parameter, action, value, addresses: [f.id], rationale, weight: 0, ...(layer ? { layer } : {}),
  });
  const arch = ctx.architecture;
  const out = arch?.outputLayer;
  switch (f.id) {
    case 'nan_loss': {
      if (f.confidence >= 0.95) {
        const drafts: Draft[] = [];
        const mismatch = all.some((x) => x.id === 'output_activation_mismatch');
        if (!mismatch)
          drafts.push(d('loss_function', 'set', arch?.outputUnits === 1 ? 'binary_crossentropy' : 'categorical_crossentropy',
            'NaN from the first epoch is a bug: check that the output activation matches the loss (softmax with categorical_crossentropy over ≥ 2 units, sigmoid with binary_crossentropy over 1) and that labels are valid class indices'));
        drafts.push(d('input_normalization', 'set', 'unit', 'non-finite or unscaled inputs also give NaN from the first step: scale inputs to [0, 1] and check for NaN in the data'));
        return drafts;
      }
      return [lrDraft(ctx, f, 'decrease', LR_CUT_STRONG, 'the loss became NaN after progress, a numeric blow-up'), d('gradient_clipping', 'set', DEFAULT_CLIP_NORM, 'clipping the gradient norm to 1 stops a single bad batch from blowing up the weights')];
    }
    case 'divergence':
      return [
        lrDraft(ctx, f, 'decrease', LR_CUT_STRONG, 'the loss climbed back up after progress, the step size overshoots'),
        d('gradient_clipping', 'set', DEFAULT_CLIP_NORM, 'clip the gradient norm so spikes cannot undo training'),
        ...(ctx.best ? [d('epochs', 'set', ctx.best.epoch + 1, `keep the weights of the best ${ctx.unit} (${ctx.best.epoch}, ${ctx.best.metric} ${fmt(ctx.best.value)}) until the instability is fixed`)] : []),
      ];
    case 'lr_too_high': {
      const strong = all.some((x) => x.id === 'divergence' || (x.id === 'nan_loss' && x.confidence < 0.95));
      return [lrDraft(ctx, f, 'decrease', strong ? LR_CUT_STRONG : LR_CUT_MILD, strong ? 'the run blew up' : 'the training curves oscillate instead of descending')];
    }
    case 'oscillation': {
      const validationOnly = f.title.includes('validation only');
      const drafts = [lrDraft(ctx, f, 'decrease', LR_CUT_MILD, validationOnly ? 'smaller steps also steady the validation metric' : 'the metrics swing epoch to epoch, steps are too large')];
      const bs = Number(ctx.log.run?.batchSize);
      if (Number.isFinite(bs) && bs > 0)
        drafts.push(d('batch_size', 'increase', bs * 2, `doubling the batch (${bs} → ${bs * 2}) halves gradient-noise variance${validationOnly ? ' and steadies batch-norm statistics; also use a larger validation set if you can' : ''}`));
      return drafts;
    }
    case 'lr_too_low':
      return [lrDraft(ctx, f, 'increase', f.confidence >= 0.8 ? 10 : LR_CUT_MILD, 'the loss is still falling at an undiminished pace, larger steps get there sooner')];
    case 'overfitting': {
      const drafts: Draft[] = [];
      const vname = ctx.valLoss?.name;
      const best = ctx.best && ctx.best.metric === vname ? ctx.best.epoch : f.epoch ?? 0;
      drafts.push(d('epochs', 'set', best + 1, `validation loss was best at ${ctx.unit} ${best}; training beyond it only memorizes`));
      const series = vname ? ctx.log.metrics[vname] : undefined;
      if (series) {
        const p = Math.max(2, patienceToReachBest(series, best));
        const last = series.length - 1;
        const catches = best + p < last;
        drafts.push(d('early_stopping', 'set', p, `patience ${p} on val_loss (restore best weights) reaches ${ctx.unit} ${best} without stopping early` +
          (catches ? ` and would have stopped at ${ctx.unit} ${best + p} instead of ${last}` : `; this run ended before it would trigger`)));
      }
      const turn = ctx.valLoss ? validationTurn(ctx.valLoss) : null;
      const strong = !!turn && turn.relativeRise >= 0.2;
      drafts.push(d('weight_decay', 'set', strong ? 5e-4 : 1e-4, `L2 ${strong ? '5e-4' : '1e-4'} shrinks the weights the model uses to memorize (validation loss rose ${turn ? `${Math.round(turn.relativeRise * 100)}%` : ''} above its best)`));
      const maxDropout = Math.max(0, ...(arch?.layers.map((l) => l.rate ?? 0) ?? [0]));
      if (maxDropout < 0.5) {
        const before = arch?.layers.filter((l) => l.className === 'Dense' && l !== out).pop();
        drafts.push(d('dropout', 'set', strong ? 0.5 : 0.3, `dropout ${strong ? 0.5 : 0.3}${before ? ` after ${before.name}` : ' before the classifier'} regularizes the dense head`, before?.name));
      }
      drafts.push(d('data_augmentation', 'enable', true, 'random flips/crops/shifts give the model more distinct examples; more data is the surest cure'));
      return drafts;
    }
    case 'underfitting': {
      const drafts = [d('model_capacity', 'increase', 2, 'double filters/units: the model cannot fit even its training data')];
      if (f.severity === 'info' && ctx.length > 0) drafts.unshift(d('epochs', 'increase', Math.ceil(ctx.length * 2), `accuracy is still rising at the end of ${ctx.length} ${ctx.unit}s`));
      return drafts;
    }
    case 'plateau':
      if (f.severity === 'info') return [d('lr_schedule', 'set', 'reduce_on_plateau', `the loss has been flat since ${ctx.unit} ${f.epoch}; lowering the rate on a plateau often buys a further drop, or stop there`)];
      return [d('lr_schedule', 'set', 'reduce_on_plateau', `the loss stalled from ${ctx.unit} ${f.epoch}; reduce the rate ×0.1–0.5 when val_loss stops improving`),
        d('batch_norm', 'enable', true, 'normalizing activations gets a stalled network moving again')];
    case 'stuck_at_chance':
      return [
        d('input_normalization', 'set', 'standardize', 'a model at chance often sees unscaled inputs: standardize each channel'),
        d('initializer', 'set', 'he_normal', 'He initialization keeps signal variance through ReLU layers'),
        d('batch_norm', 'enable', true, 'batch norm keeps activations in range so the gradient reaches the first layers'),
      ];
    case 'vanishing_gradients':
      return [
        d('activation', 'set', 'relu', 'ReLU passes gradients with slope 1 instead of ≤ 0.25 (sigmoid)', f.layer),
        d('initializer', 'set', 'he_normal', 'He initialization keeps gradient variance across layers'),
        d('batch_norm', 'enable', true, 'batch norm rescales activations so gradients do not shrink layer by layer'),
      ];
    case 'exploding_gradients': {
      const early = gradientSources(ctx).flatMap((s) => s.curve.y.slice(0, Math.max(1, Math.ceil(s.curve.y.length / 5))));
      const base = early.length ? median(early) : NaN;
      const clip = Number.isFinite(base) && base > 0 ? Number((2 * base).toPrecision(1)) : DEFAULT_CLIP_NORM;
      return [
        d('gradient_clipping', 'set', clip, Number.isFinite(base) ? `clip at ~2× the healthy early gradient norm (${fmt(base)})` : 'clip the gradient norm at 1 (default: no healthy level logged)'),
        lrDraft(ctx, f, 'decrease', LR_CUT_MILD, 'growing gradients mean the steps are too large'),
      ];
    }
    case 'dead_relu':
      return [
        d('activation', 'set', 'leaky_relu', 'LeakyReLU keeps a small gradient for negative inputs so units can recover', f.layer),
        d('initializer', 'set', 'he_normal', 'He initialization with zero bias starts units in their active range', f.layer),
        lrDraft(ctx, f, 'decrease', LR_CUT_MILD, 'a large step pushes ReLU units into the negative region for good'),
      ];
    case 'saturated_activations':
      return [d('activation', 'set', 'relu', 'ReLU does not saturate for positive inputs', f.layer), d('batch_norm', 'enable', true, 'batch norm keeps pre-activations near 0 where sigmoid/tanh have gradient')];
    case 'no_validation_data':
      return [];
    case 'output_activation_mismatch': {
      if (arch?.outputUnits === 1)
        return [d('activation', 'set', 'sigmoid', 'one output unit needs sigmoid (softmax over one unit is constant 1)', f.layer), d('loss_function', 'set', 'binary_crossentropy', 'binary cross-entropy matches a single sigmoid output')];
      return [d('activation', 'set', 'softmax', 'softmax turns the outputs into class probabilities for cross-entropy', f.layer)];
    }
    case 'fc_dominates_params': {
      const flat = arch?.layers.find((l) => l.className === 'Flatten');
      const dense = arch?.layers.find((l) => l.name === f.layer);
      const units = dense?.units ? Math.max(32, 2 ** Math.floor(Math.log2(dense.units / 4))) : 128;
      return [
        d('pooling', 'set', 'global_average', `replace ${flat?.name ?? 'Flatten'} by GlobalAveragePooling2D: the dense layer then sees one value per channel`, flat?.name),
        d('dense_units', 'decrease', units, `${dense?.units ?? 'the'} → ${units} units in ${f.layer ?? 'the first dense layer'}`, f.layer),
      ];
    }
    case 'feature_map_collapse': {
      const layer = arch?.layers.find((l) => l.name === f.layer);
      const drafts: Draft[] = [];
      if (layer?.padding !== 'same') drafts.push(d('padding', 'set', 'same', '"same" padding keeps the spatial size through convolutions', f.layer));
      if (layer?.strides && layer.strides[0] > 1) drafts.push(d('stride', 'set', 1, 'stride 1 stops the map from shrinking below the kernel', f.layer));
      if (drafts.length === 0) drafts.push(d('kernel_size', 'set', 1, 'the map is already 1×1; a larger kernel only sees padding', f.layer));
      return drafts;
    }
    case 'deep_saturating_stack':
      return [d('activation', 'set', 'relu', 'ReLU instead of sigmoid/tanh in hidden layers keeps gradients alive', f.layer), d('batch_norm', 'enable', true, 'batch normalization between the layers keeps pre-activations out of saturation')];
    case 'excessive_dropout': {
      const layer = arch?.layers.find((l) => l.name === f.layer);
      return [d('dropout', 'decrease', 0.3, `rate ${fmt(layer?.rate ?? 0.6)} → 0.3 still regularizes without starving the next layer`, f.layer)];
    }
  }
  return [];
}

/**
 * Ranked recommendations for the findings: critical before warning before info, then by confidence; a parameter
 * asked for by several findings appears once, naming all of them.
 */
export function recommend(findings: Finding[], ctx: DetectorContext): Recommendation[] {
  const merged = new Map<string, Draft>();
  for (const f of findings) {
    const base = severityRank(f.severity) * 10 + f.confidence;
    for (const draft of draftsFor(f, ctx, findings)) {
      draft.weight = base;
      const key = `${draft.parameter}|${draft.layer ?? ''}`;
      const prev = merged.get(key);
      if (!prev) merged.set(key, draft);
      else {
        if (!prev.addresses.includes(f.id)) prev.addresses.push(f.id as FindingId);
        if (draft.weight > prev.weight) {
          // The more severe finding decides the value; keep every finding it addresses.
          merged.set(key, { ...draft, addresses: prev.addresses, rationale: draft.rationale });
        }
      }
    }
  }
  return [...merged.values()]
    .sort((a, b) => b.weight - a.weight)
    .map(({ weight: _weight, ...r }, i) => ({ ...r, priority: i + 1 }));
}
