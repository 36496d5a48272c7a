/**
 * Every hyperparameter of `npm run train`, from flags or a `--config file.json` (flags win). The parsed options are
 * stored with the run (hyperparameters) and in the checkpoint, so `--resume` continues with exactly them.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NO_AUGMENTATION, type AugmentOptions } from './augment.js';
import { BACKENDS, type BackendName } from './backend.js';
import { ACTIVATIONS, DEFAULT_ARCHITECTURE, parseConvSpec, type Activation, type ArchitectureConfig } from './model.js';
import { SCHEDULES, type ScheduleOptions } from './schedule.js';

export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'rmsprop';
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'adam', 'rmsprop'];

export interface TrainOptions {
  /** `fashion-mnist`, `mnist` or a folder `DIR/<class>/*.png|jpg|webp`. */
  dataset: string;
  /** Folder datasets: images are resized to this square side. */
  imageSize: number;
  /** Folder datasets: 1 (grayscale) or 3 (RGB). */
  channels: 1 | 3;
  /** Fraction of the non-held-out images used for validation. */
  validationFraction: number;
  /** Folder datasets: fraction held out as the test split. */
  testFraction: number;
  /** Use only this many training images (0 = all): quick runs and tests. */
  limit: number;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  momentum: number;
  /** L2 weight decay on conv/dense kernels (added to the loss). */
  l2: number;
  schedule: ScheduleOptions;
  /** Early stopping patience on val_loss (0 disables); the best weights are restored either way. */
  earlyStopping: number;
  augment: AugmentOptions;
  architecture: ArchitectureConfig;
  seed: number;
  backend: BackendName;
  /** Output model id (`models/<id>/`); default: the dataset name. */
  modelId: string;
  name: string;
  /** Write the canonical /advise JSON here at the end (and after every epoch). */
  curves?: string;
  /** Run store: `--remote URL --token T`, or auto (local server, else local D1), or `none`. */
  remote?: string;
  token?: string;
  store: 'auto' | 'http' | 'd1' | 'none';
  /** Local D1 persistence folder (wrangler's `.wrangler/state/v3` by default). */
  d1Persist?: string;
  checkpointDir: string;
  modelsDir: string;
  /** Skip writing models/<id>/ (experiments). */
  export: boolean;
  resume?: string;
  /** Progress bar on stderr: auto (TTY only), always, never. */
  progress: 'auto' | 'always' | 'never';
}

export const DEFAULT_OPTIONS: TrainOptions = {
  dataset: 'fashion-mnist',
  imageSize: 28,
  channels: 1,
  validationFraction: 0.1,
  testFraction: 0.2,
  limit: 0,
  epochs: 15,
  batchSize: 64,
  optimizer: 'adam',
  learningRate: 0.002,
  momentum: 0.9,
  l2: 0,
  schedule: { schedule: 'cosine', factor: 0.5, stepEpochs: 5, patience: 2, minLearningRate: 1e-5, warmupEpochs: 0 },
  earlyStopping: 0,
  augment: NO_AUGMENTATION,
  architecture: DEFAULT_ARCHITECTURE,
  seed: 42,
  backend: 'wasm',
  modelId: '',
  name: '',
  store: 'auto',
  checkpointDir: 'checkpoints',
  modelsDir: 'models',
  export: true,
  progress: 'auto',
};

const FLAGS = {
  dataset: { type: 'string' },
  config: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  'learning-rate': { type: 'string' },
  'batch-size': { type: 'string' },
  optimizer: { type: 'string' },
  momentum: { type: 'string' },
  l2: { type: 'string' },
  'weight-decay': { type: 'string' },
  schedule: { type: 'string' },
  'lr-factor': { type: 'string' },
  'lr-step-epochs': { type: 'string' },
  'lr-patience': { type: 'string' },
  'min-lr': { type: 'string' },
  'warmup-epochs': { type: 'string' },
  'early-stopping': { type: 'string' },
  conv: { type: 'string' },
  'kernel-size': { type: 'string' },
  stride: { type: 'string' },
  padding: { type: 'string' },
  pooling: { type: 'string' },
  head: { type: 'string' },
  dense: { type: 'string' },
  activation: { type: 'string' },
  'leaky-alpha': { type: 'string' },
  'batch-norm': { type: 'boolean' },
  'no-batch-norm': { type: 'boolean' },
  dropout: { type: 'string' },
  initializer: { type: 'string' },
  'bias-init': { type: 'string' },
  shift: { type: 'string' },
  flip: { type: 'boolean' },
  brightness: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  'model-id': { type: 'string' },
  name: { type: 'string' },
  curves: { type: 'string' },
  remote: { type: 'string' },
  token: { type: 'string' },
  store: { type: 'string' },
  'd1-persist': { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  'models-dir': { type: 'string' },
  'no-export': { type: 'boolean' },
  resume: { type: 'string' },
  limit: { type: 'string' },
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  'validation-split': { type: 'string' },
  'test-split': { type: 'string' },
  progress: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const USAGE = `npm run train -- --dataset fashion-mnist|mnist|DIR [options]

  data       --dataset NAME|DIR  --validation-split 0.1  --test-split 0.2 (DIR)  --image-size 28 --channels 1 (DIR)
             --limit N (first N training images)  --shift PX  --flip  --brightness F  --seed 42
  model      --conv 24,M,48,48,M,96 (FILTERS[:KERNEL[:STRIDE[:PADDING]]], M/A = max/avg pool)  --kernel-size 3
             --stride 1  --padding same|valid  --head global_average|global_max|flatten  --dense 64[,32]
             --activation relu|leaky_relu|elu|prelu|sigmoid|tanh  --leaky-alpha 0.1  --batch-norm | --no-batch-norm
             --dropout 0.2  --initializer heNormal  --bias-init=0 (constant hidden-layer bias, without batch norm)
  training   --epochs 15  --batch-size 64  --optimizer sgd|momentum|adam|rmsprop  --lr 0.002  --momentum 0.9
             --l2 0 (weight decay)  --schedule constant|step|cosine|reduce_on_plateau  --lr-factor 0.5
             --lr-step-epochs 5  --lr-patience 2  --min-lr 1e-5  --warmup-epochs 0  --early-stopping PATIENCE
  runtime    --backend wasm|tensorflow|cpu  --config file.json  --resume RUN_ID  --checkpoint-dir checkpoints
             --model-id ID  --models-dir models  --no-export  --name NAME  --curves out.json  --progress auto|always|never
  run store  --remote URL --token T  |  --store auto|http|d1|none  --d1-persist DIR
`;

function num(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? NaN : Number(value); // Number('') is 0: an empty --flag= is a mistake, not zero
  if (!Number.isFinite(n)) throw new Error(`--${flag}: '${value}' is not a number`);
  return n;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new Error(`--${flag}: '${value}' is not one of ${allowed.join(', ')}`);
  return value as T;
}

function defined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A config file: any TrainOptions field, nested objects merged field by field. */
function readConfigFile(path: string): Partial<TrainOptions> {
  return JSON.parse(readFileSync(path, 'utf8')) as Partial<TrainOptions>;
}

/**
 * Parses argv (without `node script`) into options; `help` is true when usage was asked for.
 * @example parseTrainArgs(['--dataset', 'mnist', '--epochs', '3']).options.epochs // 3
 */
export function parseTrainArgs(argv: string[]): { options: TrainOptions; help: boolean } {
  const { values: v } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false });
  const file = v.config ? readConfigFile(v.config) : {};
  const base: TrainOptions = {
    ...DEFAULT_OPTIONS,
    ...file,
    schedule: { ...DEFAULT_OPTIONS.schedule, ...file.schedule },
    augment: { ...DEFAULT_OPTIONS.augment, ...file.augment },
    architecture: { ...DEFAULT_OPTIONS.architecture, ...file.architecture },
  };
  const arch = base.architecture;
  // --kernel-size/--stride/--padding: defaults of the --conv layers, or applied to every layer of the configured ones.
  const convFlags = defined({
    kernelSize: num(v['kernel-size'], 'kernel-size'),
    strides: num(v.stride, 'stride'),
    padding: oneOf(v.padding, ['same', 'valid'] as const, 'padding'),
  });
  let conv = v.conv
    ? parseConvSpec(v.conv, { kernelSize: 3, strides: 1, padding: 'same', ...convFlags })
    : arch.conv.map((c) => ({ ...c, ...convFlags }));
  const pooling = oneOf(v.pooling, ['max', 'average'] as const, 'pooling');
  if (pooling) conv = conv.map((c) => (c.pool ? { ...c, pool: pooling } : c));
  const options: TrainOptions = {
    ...base,
    ...defined({
      dataset: v.dataset,
      epochs: num(v.epochs, 'epochs'),
      batchSize: num(v['batch-size'], 'batch-size'),
      optimizer: oneOf(v.optimizer, OPTIMIZERS, 'optimizer'),
      learningRate: num(v.lr ?? v['learning-rate'], 'lr'),
      momentum: num(v.momentum, 'momentum'),
      l2: num(v.l2 ?? v['weight-decay'], 'l2'),
      earlyStopping: num(v['early-stopping'], 'early-stopping'),
      seed: num(v.seed, 'seed'),
      backend: oneOf(v.backend, BACKENDS, 'backend'),
      modelId: v['model-id'],
      name: v.name,
      curves: v.curves,
      remote: v.remote,
      token: v.token,
      store: oneOf(v.store, ['auto', 'http', 'd1', 'none'] as const, 'store'),
      d1Persist: v['d1-persist'],
      checkpointDir: v['checkpoint-dir'],
      modelsDir: v['models-dir'],
      resume: v.resume,
      limit: num(v.limit, 'limit'),
      imageSize: num(v['image-size'], 'image-size'),
      channels: num(v.channels, 'channels') as 1 | 3 | undefined,
      validationFraction: num(v['validation-split'], 'validation-split'),
      testFraction: num(v['test-split'], 'test-split'),
      progress: oneOf(v.progress, ['auto', 'always', 'never'] as const, 'progress'),
    }),
    export: v['no-export'] ? false : base.export,
    schedule: {
      ...base.schedule,
      ...defined({
        schedule: oneOf(v.schedule, SCHEDULES, 'schedule'),
        factor: num(v['lr-factor'], 'lr-factor'),
        stepEpochs: num(v['lr-step-epochs'], 'lr-step-epochs'),
        patience: num(v['lr-patience'], 'lr-patience'),
        minLearningRate: num(v['min-lr'], 'min-lr'),
        warmupEpochs: num(v['warmup-epochs'], 'warmup-epochs'),
      }),
    },
    augment: {
      ...base.augment,
      ...defined({ shift: num(v.shift, 'shift'), brightness: num(v.brightness, 'brightness') }),
      ...(v.flip ? { flip: true } : {}),
    },
    architecture: {
      ...arch,
      conv,
      ...defined({
        head: oneOf(v.head, ['global_average', 'global_max', 'flatten'] as const, 'head'),
        dense: v.dense === undefined ? undefined : v.dense.split(',').filter(Boolean).map((d) => num(d, 'dense') as number),
        activation: oneOf(v.activation, ACTIVATIONS, 'activation') as Activation | undefined,
        leakyAlpha: num(v['leaky-alpha'], 'leaky-alpha'),
        dropout: num(v.dropout, 'dropout'),
        initializer: v.initializer,
        biasInit: num(v['bias-init'], 'bias-init'),
      }),
      ...(v['batch-norm'] ? { batchNorm: true } : {}),
      ...(v['no-batch-norm'] ? { batchNorm: false } : {}),
    },
  };
  validate(options);
  return { options, help: Boolean(v.help) };
}

function validate(o: TrainOptions): void {
  const positiveInt = (n: number, name: string) => {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${n}`);
  };
  positiveInt(o.epochs, '--epochs');
  positiveInt(o.batchSize, '--batch-size');
  if (!(o.learningRate > 0)) throw new Error(`--lr must be > 0, got ${o.learningRate}`);
  if (o.architecture.dropout < 0 || o.architecture.dropout >= 1) throw new Error('--dropout must be in [0, 1)');
  if (o.validationFraction <= 0 || o.validationFraction >= 1) throw new Error('--validation-split must be in (0, 1)');
  if (o.remote && !o.token) throw new Error('--remote needs --token');
}

/** The model id written under models/: explicit, else the dataset name (a folder's base name). */
export function modelIdFor(options: TrainOptions): string {
  if (options.modelId) return options.modelId;
  const base = options.dataset.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? 'model';
  return base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
}
