/**
 * Metric names in Keras spelling: every parser passes the names it reads through `canonicalMetricName`, so
 * detectors only ever look for `loss`, `val_loss`, `accuracy`, `val_accuracy`, `learning_rate`, ….
 */

/** Whole-name aliases (after prefixes are resolved), compared case-insensitively. */
const BASE_ALIASES: Record<string, string> = {
  acc: 'accuracy',
  lr: 'learning_rate',
  learningrate: 'learning_rate',
  'learning-rate': 'learning_rate',
  epoch_lr: 'learning_rate',
  losses: 'loss',
};

/** Well-known names that are lower-cased when a tool capitalised them (`Loss/train`, `LR`). */
const KNOWN_BASES = new Set(['loss', 'accuracy', 'acc', 'lr', 'learning_rate', 'grad_norm']);

/** Prefixes naming the training split: dropped (`train_loss` → `loss`). */
const TRAIN_PREFIX = /^(?:train|training)[_/]/i;
/** Prefixes naming the validation split: become `val_` (`eval_loss` → `val_loss`). */
const VALIDATION_PREFIX = /^(?:val|valid|validation|eval|evaluation)[_/]/i;
/** `loss/train`, `Loss/val` (PyTorch SummaryWriter style): the split comes last. */
const SPLIT_SUFFIX = /^(.+)\/(train|training|val|valid|validation|eval|evaluation)$/i;
/** TensorBoard tags Keras writes per epoch (`epoch_loss`) — the prefix only says which writer. */
const KERAS_EPOCH_PREFIX = /^epoch_(?=.)/;

function canonicalBase(base: string): string {
  const lower = base.toLowerCase();
  if (BASE_ALIASES[lower]) return BASE_ALIASES[lower];
  // PyTorch Lightning's LearningRateMonitor logs `lr-Adam`, `lr-SGD/pg1`.
  if (/^lr-/i.test(base)) return 'learning_rate';
  return KNOWN_BASES.has(lower) ? lower : base;
}

/**
 * The Keras spelling of a metric name.
 * @example canonicalMetricName('val_acc') // 'val_accuracy'
 * @example canonicalMetricName('eval_loss') // 'val_loss'
 * @example canonicalMetricName('train/loss') // 'loss'
 * @example canonicalMetricName('epoch_learning_rate') // 'learning_rate'
 */
export function canonicalMetricName(raw: string): string {
  let name = raw.trim();
  const suffix = SPLIT_SUFFIX.exec(name);
  if (suffix) name = `${suffix[2]}_${suffix[1]}`;
  name = name.replace(KERAS_EPOCH_PREFIX, '');
  if (TRAIN_PREFIX.test(name)) return canonicalBase(name.replace(TRAIN_PREFIX, ''));
  if (VALIDATION_PREFIX.test(name)) {
    const base = canonicalBase(name.replace(VALIDATION_PREFIX, ''));
    return base === 'learning_rate' ? base : `val_${base}`;
  }
  return canonicalBase(name);
}

/** Whether a (canonical) metric name is a loss: what makes an upload usable as a curve. */
export function isLossName(name: string): boolean {
  return /loss/i.test(name);
}

/** Whether a (canonical) metric name is a validation series. */
export function isValidationName(name: string): boolean {
  return name.startsWith('val_');
}
