/**
 * What every detector reads: the log's series as noise-aware curves (see series.ts), the class count when it is known
 * or can be read off a chance-level loss, the best epoch, the static architecture review and earlier findings.
 */
import type { ArchitectureSummary } from './architecture';
import { chanceClassesFromLoss, edgeWindow, mean, toCurve, type Curve } from './series';
import type { Finding, Series, TrainingLog } from './types';

export interface BestEpoch {
  epoch: number;
  metric: string;
  value: number;
  lastIsBest: boolean;
}

export interface DetectorContext {
  log: TrainingLog;
  /** Number of points of the longest curve (epochs, or steps when `log.xAxis` is `step`). */
  length: number;
  unit: 'epoch' | 'step';
  loss?: Curve;
  valLoss?: Curve;
  accuracy?: Curve;
  valAccuracy?: Curve;
  learningRate?: Curve;
  /** Global gradient norm when the log carries one (e.g. Hugging Face `grad_norm`). */
  gradNorm?: Curve;
  /** Class count from `run.numClasses`, else from a loss sitting at ln(k) (then `numClassesSource` is `loss`). */
  numClasses: number | null;
  numClassesSource: 'run' | 'loss' | null;
  best: BestEpoch | null;
  /** The run's learning rate: `run.learningRate`, else the first logged `learning_rate`. */
  learningRate0: number | null;
  architecture: ArchitectureSummary | null;
  /** Findings of the detectors that ran before this one (the index orders them so causes can read symptoms). */
  earlier: Finding[];
}

const LOSS_NAMES = ['loss', 'train_loss', 'training_loss', 'train/loss', 'epoch_loss'];
const VAL_LOSS_NAMES = ['val_loss', 'validation_loss', 'valid_loss', 'eval_loss', 'val/loss', 'epoch_val_loss'];
const ACC_NAMES = [
  'accuracy', 'acc', 'train_accuracy', 'train_acc', 'categorical_accuracy', 'sparse_categorical_accuracy',
  'binary_accuracy', 'epoch_accuracy',
];
const VAL_ACC_NAMES = [
  'val_accuracy', 'val_acc', 'valid_accuracy', 'validation_accuracy', 'eval_accuracy',
  'val_categorical_accuracy', 'val_sparse_categorical_accuracy', 'val_binary_accuracy', 'epoch_val_accuracy',
];

/** First present, non-empty series among `names` (the parser already applied the contract's aliases). */
export function findSeries(metrics: Record<string, Series>, names: string[]): [string, Series] | null {
  for (const name of names) {
    const s = metrics[name];
    if (Array.isArray(s) && s.some((v) => v !== null && v !== undefined)) return [name, s];
  }
  return null;
}

function curveOf(metrics: Record<string, Series>, names: string[], percentToFraction = false): Curve | undefined {
  const found = findSeries(metrics, names);
  if (!found) return undefined;
  let [name, series] = found;
  // Some loggers print accuracy in percent (TrainAcc=48.54%); detectors reason in fractions.
  if (percentToFraction && series.some((v) => typeof v === 'number' && v > 1.5)) {
    series = series.map((v) => (typeof v === 'number' ? v / 100 : v));
  }
  return toCurve(name, series);
}

export function buildContext(log: TrainingLog, architecture: ArchitectureSummary | null): DetectorContext {
  const m = log.metrics ?? {};
  const loss = curveOf(m, LOSS_NAMES);
  const valLoss = curveOf(m, VAL_LOSS_NAMES);
  const accuracy = curveOf(m, ACC_NAMES, true);
  const valAccuracy = curveOf(m, VAL_ACC_NAMES, true);
  const learningRate = curveOf(m, ['learning_rate', 'lr']);
  const gradNorm = curveOf(m, ['grad_norm', 'gradient_norm', 'global_grad_norm']);
  const length = Math.max(0, ...[loss, valLoss, accuracy, valAccuracy].map((c) => c?.length ?? 0));

  let numClasses: number | null = null;
  let numClassesSource: DetectorContext['numClassesSource'] = null;
  const declared = Number(log.run?.numClasses);
  if (Number.isInteger(declared) && declared >= 2) {
    numClasses = declared;
    numClassesSource = 'run';
  } else {
    const ref = loss ?? valLoss;
    if (ref && ref.y.length > 0) {
      const w = edgeWindow(ref.y.length);
      const k = chanceClassesFromLoss(mean(ref.s, ref.s.length - w)) ?? chanceClassesFromLoss(ref.s[0], 0.03);
      if (k !== null) {
        numClasses = k;
        numClassesSource = 'loss';
      }
    }
  }
  if (numClasses === null && architecture?.outputUnits && architecture.outputUnits >= 2) {
    numClasses = architecture.outputUnits;
    numClassesSource = 'run';
  }

  const declaredLr = Number(log.run?.learningRate);
  const learningRate0 =
    Number.isFinite(declaredLr) && declaredLr > 0
      ? declaredLr
      : learningRate && learningRate.y.length > 0 && learningRate.y[0] > 0
        ? learningRate.y[0]
        : null;

  return {
    log,
    length,
    unit: log.xAxis === 'step' ? 'step' : 'epoch',
    loss,
    valLoss,
    accuracy,
    valAccuracy,
    learningRate,
    gradNorm,
    numClasses,
    numClassesSource,
    best: findBestEpoch(m),
    learningRate0,
    architecture,
    earlier: [],
  };
}

/**
 * The epoch whose weights a "save best" checkpoint would keep: lowest val_loss, else lowest loss, else highest
 * val_accuracy / accuracy (raw values: a checkpoint sees the raw number, not a smoothed one).
 */
export function findBestEpoch(metrics: Record<string, Series>): BestEpoch | null {
  const choices: Array<[string[], 1 | -1]> = [
    [VAL_LOSS_NAMES, 1],
    [LOSS_NAMES, 1],
    [VAL_ACC_NAMES, -1],
    [ACC_NAMES, -1],
  ];
  for (const [names, sign] of choices) {
    const found = findSeries(metrics, names);
    if (!found) continue;
    const [metric, s] = found;
    let best = -1;
    let last = -1;
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (v === null || v === undefined) continue;
      last = i;
      if (Number.isFinite(v) && (best < 0 || sign * v < sign * (s[best] as number))) best = i;
    }
    if (best >= 0) return { epoch: best, metric, value: s[best] as number, lastIsBest: best === last };
  }
  return null;
}
