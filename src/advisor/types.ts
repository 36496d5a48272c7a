/**
 * The advisor's shared vocabulary (see ../shared/CONTRACT.md, "Uploads to /advise" and "The advice object").
 * Data flows one way: bytes → parse/ (one parser per format) → TrainingLog → detectors/ → Finding[] →
 * recommend → Recommendation[] → Advice.
 */

/** Upload formats of the contract; `tfjs-model` is an architecture-only upload. */
export const FORMATS = [
  'json',
  'keras-history',
  'keras-csv',
  'lightning-csv',
  'hf-trainer-state',
  'tensorboard',
  'keras-text',
  'tfjs-model',
] as const;
export type Format = (typeof FORMATS)[number];

/** A per-epoch (or per-step) series; `null` is a missing value, NaN/±Infinity are kept as non-finite numbers. */
export type Series = Array<number | null>;

export interface RunInfo {
  name?: string;
  model?: string;
  dataset?: string;
  optimizer?: string;
  learningRate?: number;
  batchSize?: number;
  epochs?: number;
  trainSize?: number;
  numClasses?: number;
  [key: string]: unknown;
}

export interface LayerSeries {
  name: string;
  activation?: string;
  deadFraction?: Series;
  gradNorm?: Series;
  weightNorm?: Series;
  updateRatio?: Series;
  /** Optional (advisor addition): fraction of a sigmoid/tanh layer's units pinned near their asymptotes. */
  saturatedFraction?: Series;
}

/** One training run in canonical form: what every parser produces and every detector reads. */
export interface TrainingLog {
  format: Format;
  xAxis: 'epoch' | 'step';
  run: RunInfo;
  /** Metric name (Keras spelling after aliasing: loss, val_loss, accuracy, val_accuracy, learning_rate, …) → series. */
  metrics: Record<string, Series>;
  layers: LayerSeries[];
  /** Keras / tfjs layers topology (`{class_name, config:{layers}}`) when the upload carried one. */
  model?: unknown;
  /** Things the parser recovered from (skipped records, split runs, dropped rows): shown to the user. */
  warnings: string[];
}

/** What a parser returns: usually one run; several when runs were appended in one file (CSV restarting at epoch 0). */
export interface ParsedUpload {
  runs: TrainingLog[];
  warnings: string[];
}

export type Severity = 'info' | 'warning' | 'critical';

export const FINDING_IDS = [
  'nan_loss',
  'divergence',
  'exploding_gradients',
  'vanishing_gradients',
  'overfitting',
  'underfitting',
  'plateau',
  'stuck_at_chance',
  'oscillation',
  'lr_too_high',
  'lr_too_low',
  'dead_relu',
  'saturated_activations',
  'no_validation_data',
  'output_activation_mismatch',
  'fc_dominates_params',
  'feature_map_collapse',
  'deep_saturating_stack',
  'excessive_dropout',
] as const;
export type FindingId = (typeof FINDING_IDS)[number];

export interface Finding {
  id: FindingId;
  severity: Severity;
  /** 0-based index into the uploaded series where the problem starts; null for architecture findings. */
  epoch: number | null;
  confidence: number;
  title: string;
  evidence: string;
  /** Layer the finding concerns, when it is about one layer. */
  layer?: string;
}

export const RECOMMENDATION_PARAMETERS = [
  'learning_rate',
  'batch_size',
  'optimizer',
  'weight_decay',
  'dropout',
  'epochs',
  'early_stopping',
  'lr_schedule',
  'kernel_size',
  'stride',
  'padding',
  'pooling',
  'dense_units',
  'activation',
  'initializer',
  'batch_norm',
  'gradient_clipping',
  'model_capacity',
  'data_augmentation',
  'input_normalization',
  'loss_function',
] as const;
export type RecommendationParameter = (typeof RECOMMENDATION_PARAMETERS)[number];

export interface Recommendation {
  parameter: RecommendationParameter;
  action: 'increase' | 'decrease' | 'set' | 'enable' | 'disable';
  value: number | string | boolean;
  layer?: string;
  priority: number;
  addresses: FindingId[];
  rationale: string;
}

export interface NotAssessed {
  what: FindingId | string;
  why: string;
}

export interface Advice {
  id?: string;
  format: Format;
  xAxis: 'epoch' | 'step';
  epochs: number;
  status: 'healthy' | 'warning' | 'critical';
  bestEpoch: number | null;
  lastIsBest: boolean | null;
  findings: Finding[];
  recommendations: Recommendation[];
  notAssessed: NotAssessed[];
  warnings: string[];
  segments?: Advice[];
  summary: string;
}

/** An input the advisor refuses: mapped by the Worker to 400/413/422 problem documents. */
export class AdvisorInputError extends Error {
  constructor(
    /** `malformed` → 400, `too_large` → 413, `unusable` → 422, `unknown_format` → 400. */
    readonly kind: 'malformed' | 'too_large' | 'unusable' | 'unknown_format',
    message: string,
    readonly errors: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'AdvisorInputError';
  }
}
