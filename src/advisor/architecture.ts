/**
 * Static review of a Keras / TensorFlow.js layers topology (`model.to_json()`, or the `modelTopology` of a tfjs
 * `model.json`): shapes and parameter counts are tracked layer by layer (channels-last), then checked for the
 * contract's architecture findings. Layers it does not know stop shape tracking but never fail the review.
 */
import { fmt, pct } from './series';
import type { Finding } from './types';

export interface LayerInfo {
  name: string;
  className: string;
  /** Activation of the layer (own `activation`, or what an Activation/ReLU/Softmax layer applies). */
  activation?: string;
  units?: number;
  filters?: number;
  kernel?: [number, number];
  strides?: [number, number];
  padding?: string;
  rate?: number;
  /** Parameter count, null when an input dimension is unknown. */
  params: number | null;
  inShape: number[] | null;
  outShape: number[] | null;
}

export interface ArchitectureSummary {
  layers: LayerInfo[];
  totalParams: number;
  /** The last layer with weights (Dense/Conv) and the activation finally applied to its output. */
  outputLayer?: LayerInfo;
  outputActivation?: string;
  outputUnits?: number;
  /** Loss from `training_config` when the topology carries it. */
  loss?: string;
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const SPATIAL_WEIGHTED = new Set(['Conv2D', 'Convolution2D', 'DepthwiseConv2D', 'SeparableConv2D']);
const POOLING = new Set(['MaxPooling2D', 'MaxPool2D', 'AveragePooling2D', 'AvgPool2D']);
const ACTIVATION_LAYERS: Record<string, string | undefined> = {
  ReLU: 'relu',
  LeakyReLU: 'leaky_relu',
  ELU: 'elu',
  PReLU: 'prelu',
  Softmax: 'softmax',
  ThresholdedReLU: 'relu',
};
const SATURATING = new Set(['sigmoid', 'tanh', 'hard_sigmoid', 'softsign']);

/** Reads a topology into per-layer shapes and parameter counts; null when it has no readable layer list. */
export function summarizeArchitecture(model: unknown): ArchitectureSummary | null {
  if (!isObj(model)) return null;
  let topo: Json = model;
  let training: unknown = model.training_config ?? model.trainingConfig;
  if (isObj(topo.modelTopology)) {
    training ??= topo.modelTopology.training_config ?? topo.trainingConfig;
    topo = topo.modelTopology;
  }
  if (isObj(topo.model_config)) {
    training ??= topo.training_config;
    topo = topo.model_config;
  }
  const config = topo.config;
  const rawLayers = Array.isArray(config) ? config : isObj(config) && Array.isArray(config.layers) ? config.layers : null;
  if (!rawLayers) return null;

  const layers: LayerInfo[] = [];
  let shape: number[] | null = null;
  for (let i = 0; i < rawLayers.length; i++) {
    const raw = rawLayers[i];
    if (!isObj(raw)) continue;
    const className = String(raw.class_name ?? raw.className ?? '');
    const cfg: Json = isObj(raw.config) ? raw.config : {};
    const declared = (cfg.batch_input_shape ?? cfg.batch_shape ?? cfg.batchInputShape) as unknown;
    if (Array.isArray(declared)) shape = declared.slice(1).map((d) => (typeof d === 'number' ? d : NaN));
    else if (Array.isArray(cfg.input_shape)) shape = (cfg.input_shape as unknown[]).map((d) => (typeof d === 'number' ? d : NaN));
    const info = layerInfo(className, cfg, String(cfg.name ?? raw.name ?? `layer_${i}`), shape);
    shape = info.outShape;
    if (className === 'InputLayer') continue;
    layers.push(info);
  }

  // The output: the last weighted layer, with any activation layers that follow it applied.
  let outIdx = -1;
  for (let i = layers.length - 1; i >= 0; i--) {
    if (layers[i].units !== undefined || layers[i].filters !== undefined) {
      outIdx = i;
      break;
    }
  }
  let outputActivation: string | undefined;
  if (outIdx >= 0) {
    outputActivation = layers[outIdx].activation ?? 'linear';
    for (let i = outIdx + 1; i < layers.length; i++) {
      const cls = layers[i].className;
      if (cls === 'Activation' || cls in ACTIVATION_LAYERS) outputActivation = layers[i].activation ?? outputActivation;
    }
  }
  const totalParams = layers.reduce((sum, l) => sum + (l.params ?? 0), 0);
  return {
    layers,
    totalParams,
    outputLayer: outIdx >= 0 ? layers[outIdx] : undefined,
    outputActivation,
    outputUnits: outIdx >= 0 ? layers[outIdx].units ?? layers[outIdx].filters : undefined,
    loss: lossName(training),
  };
}

function lossName(training: unknown): string | undefined {
  if (!isObj(training)) return undefined;
  const loss = training.loss;
  if (typeof loss === 'string') return loss;
  if (isObj(loss)) {
    if (typeof loss.class_name === 'string') return loss.class_name;
    const first = Object.values(loss)[0];
    if (typeof first === 'string') return first;
    if (isObj(first) && typeof first.class_name === 'string') return first.class_name;
  }
  return undefined;
}

function pair(v: unknown, fallback: number): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length > 0) {
    const a = Number(v[0]);
    const b = Number(v.length > 1 ? v[1] : v[0]);
    return [Number.isFinite(a) ? a : fallback, Number.isFinite(b) ? b : fallback];
  }
  return [fallback, fallback];
}

function activationName(v: unknown): string | undefined {
  if (typeof v === 'string') return v.toLowerCase();
  if (isObj(v)) {
    const name = v.class_name ?? (isObj(v.config) ? v.config.name : undefined);
    if (typeof name === 'string') return name.toLowerCase();
  }
  return undefined;
}

function spatialOut(n: number, k: number, s: number, padding: string): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

const known = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n);
const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

function layerInfo(className: string, cfg: Json, name: string, inShape: number[] | null): LayerInfo {
  const info: LayerInfo = { name, className, params: 0, inShape, outShape: inShape };
  const activation = activationName(cfg.activation);
  const useBias = cfg.use_bias !== false;
  const last = inShape && inShape.length > 0 ? inShape[inShape.length - 1] : NaN;

  if (className === 'InputLayer') return info;
  if (className === 'Dense') {
    const units = Number(cfg.units);
    info.units = units;
    info.activation = activation ?? 'linear';
    info.params = known(last) ? last * units + (useBias ? units : 0) : null;
    info.outShape = inShape ? [...inShape.slice(0, -1), units] : null;
    return info;
  }
  if (SPATIAL_WEIGHTED.has(className) || POOLING.has(className)) {
    const isPool = POOLING.has(className);
    const kernel = pair(isPool ? cfg.pool_size : cfg.kernel_size, isPool ? 2 : 3);
    const strides = pair(cfg.strides ?? (isPool ? kernel : undefined), isPool ? kernel[0] : 1);
    const padding = String(cfg.padding ?? 'valid').toLowerCase();
    Object.assign(info, { kernel, strides, padding });
    const cin = last;
    if (!isPool) {
      info.activation = activation ?? 'linear';
      const depth = Number(cfg.depth_multiplier ?? 1);
      if (className === 'DepthwiseConv2D') {
        info.filters = known(cin) ? cin * depth : undefined;
        info.params = known(cin) ? kernel[0] * kernel[1] * cin * depth + (useBias ? cin * depth : 0) : null;
      } else {
        const filters = Number(cfg.filters);
        info.filters = filters;
        if (!known(cin)) info.params = null;
        else if (className === 'SeparableConv2D')
          info.params = kernel[0] * kernel[1] * cin * depth + cin * depth * filters + (useBias ? filters : 0);
        else info.params = kernel[0] * kernel[1] * cin * filters + (useBias ? filters : 0);
      }
    }
    if (inShape && inShape.length === 3) {
      const h = spatialOut(inShape[0], kernel[0], strides[0], padding);
      const w = spatialOut(inShape[1], kernel[1], strides[1], padding);
      const c = isPool ? inShape[2] : (info.filters ?? NaN);
      info.outShape = [h, w, c];
    } else info.outShape = null;
    return info;
  }
  if (className === 'Flatten') {
    info.outShape = inShape ? [product(inShape)] : null;
    return info;
  }
  if (className === 'GlobalAveragePooling2D' || className === 'GlobalMaxPooling2D' || className === 'GlobalAvgPool2D') {
    info.outShape = inShape && inShape.length === 3 ? [inShape[2]] : null;
    return info;
  }
  if (className === 'BatchNormalization' || className === 'LayerNormalization') {
    // Keras counts gamma, beta and (for BN) the two moving statistics.
    info.params = known(last) ? (className === 'BatchNormalization' ? 4 : 2) * last : null;
    return info;
  }
  if (className === 'Dropout' || className === 'SpatialDropout2D' || className === 'AlphaDropout') {
    info.rate = Number(cfg.rate);
    return info;
  }
  if (className === 'Activation') {
    info.activation = activation;
    return info;
  }
  if (className in ACTIVATION_LAYERS) {
    info.activation = ACTIVATION_LAYERS[className];
    return info;
  }
  if (className === 'Embedding') {
    const inDim = Number(cfg.input_dim);
    const outDim = Number(cfg.output_dim);
    info.params = inDim * outDim;
    info.outShape = inShape ? [...inShape, outDim] : null;
    return info;
  }
  if (className === 'Reshape' && Array.isArray(cfg.target_shape)) {
    info.outShape = (cfg.target_shape as unknown[]).map(Number);
    return info;
  }
  if (['GaussianNoise', 'GaussianDropout', 'Rescaling', 'Normalization', 'RandomFlip', 'RandomRotation'].includes(className))
    return info;
  // Unknown layer (recurrent, nested model, custom): keep going without shapes from here on.
  info.params = null;
  info.outShape = null;
  if (activation) info.activation = activation;
  return info;
}

/** Hidden weighted layers whose output goes through a saturating activation, in order. */
function saturatingHidden(summary: ArchitectureSummary): LayerInfo[] {
  const out: LayerInfo[] = [];
  const layers = summary.layers;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    if (l === summary.outputLayer || (l.units === undefined && l.filters === undefined)) continue;
    let act = l.activation;
    const next = layers[i + 1];
    if (next && (next.className === 'Activation' || next.className in ACTIVATION_LAYERS)) act = next.activation ?? act;
    if (act && SATURATING.has(act)) out.push(l);
  }
  return out;
}

/** Loss family named in the training config. */
export function lossFamily(loss: string | undefined): 'categorical' | 'binary' | 'regression' | 'unknown' {
  if (!loss) return 'unknown';
  const l = loss.toLowerCase().replace(/[^a-z]/g, '');
  if (l.includes('binary')) return 'binary';
  if (l.includes('categorical') || l.includes('crossentropy') || l === 'kld' || l.includes('kullback')) return 'categorical';
  if (/mse|mae|meansquared|meanabsolute|huber|logcosh|mape/.test(l)) return 'regression';
  return 'unknown';
}

/** Dense layers that follow a Flatten hold at least this share of all parameters → warn (0.6 → info). */
export const FC_SHARE_WARNING = 0.8;
export const FC_SHARE_INFO = 0.6;
/** Below this many parameters a big dense share does not matter in practice. */
const FC_MIN_PARAMS = 20_000;
/** Hidden sigmoid/tanh layers without normalization from which vanishing gradients are the expected outcome. */
export const SATURATING_STACK_MIN = 3;
/** Dropout above this rate removes more than half the signal each step (contract: rate > 0.5). */
export const DROPOUT_MAX = 0.5;

/** The architecture findings of the contract, each naming its layer and quoting the shapes or counts. */
export function reviewArchitecture(summary: ArchitectureSummary): Finding[] {
  const findings: Finding[] = [];
  const arch = (id: Finding['id'], severity: Finding['severity'], confidence: number, title: string, evidence: string, layer?: string): Finding => ({
    id, severity, epoch: null, confidence, title, evidence, ...(layer ? { layer } : {}),
  });

  // Output activation versus loss.
  const out = summary.outputLayer;
  const act = summary.outputActivation;
  const family = lossFamily(summary.loss);
  const units = summary.outputUnits ?? 0;
  if (out && act) {
    const lossText = summary.loss ? ` with loss ${summary.loss}` : '';
    if (act === 'softmax' && units === 1) {
      findings.push(arch('output_activation_mismatch', 'critical', 0.95, 'Softmax over a single output unit',
        `output layer ${out.name} is Dense(1, softmax)${lossText}: softmax over one unit is always 1, so the loss cannot train the model`, out.name));
    } else if (['relu', 'relu6', 'elu', 'selu', 'softplus'].includes(act) && family !== 'regression') {
      findings.push(arch('output_activation_mismatch', family === 'unknown' ? 'warning' : 'critical', family === 'unknown' ? 0.7 : 0.95,
        `${act} output layer before a ${family === 'unknown' ? 'classification' : 'cross-entropy'} loss`,
        `output layer ${out.name} (${units} units) uses ${act}${lossText}: outputs are not probabilities and exact zeros give log(0) = NaN`, out.name));
    } else if (family === 'categorical' && act !== 'softmax' && units > 1 && act !== 'linear') {
      findings.push(arch('output_activation_mismatch', 'warning', 0.8, `${act} output with a categorical cross-entropy`,
        `output layer ${out.name} (${units} units) uses ${act}${lossText}; categorical cross-entropy expects softmax probabilities`, out.name));
    } else if (family === 'binary' && units === 1 && act !== 'sigmoid' && act !== 'linear') {
      findings.push(arch('output_activation_mismatch', 'warning', 0.8, `${act} output with a binary cross-entropy`,
        `output layer ${out.name} uses ${act}${lossText}; binary cross-entropy expects a sigmoid probability`, out.name));
    }
  }

  // Dense layers after Flatten holding most parameters.
  const flatIdx = summary.layers.findIndex((l) => l.className === 'Flatten');
  if (flatIdx >= 0 && summary.totalParams > 0) {
    const dense = summary.layers.slice(flatIdx + 1).filter((l) => l.className === 'Dense');
    const denseParams = dense.reduce((s, l) => s + (l.params ?? 0), 0);
    const share = denseParams / summary.totalParams;
    if (dense.length > 0 && denseParams >= FC_MIN_PARAMS && share >= FC_SHARE_INFO) {
      const first = dense[0];
      const flat = summary.layers[flatIdx];
      findings.push(arch('fc_dominates_params', share >= FC_SHARE_WARNING ? 'warning' : 'info', 0.9,
        'Dense layers after Flatten hold most of the parameters',
        `${pct(share)} of ${summary.totalParams.toLocaleString('en-US')} parameters are in the dense layers after ${flat.name}` +
          (first.params !== null && flat.outShape ? ` (${first.name}: ${flat.outShape[0]}×${first.units} = ${first.params.toLocaleString('en-US')})` : ''),
        first.name));
    }
  }

  // Feature maps shrinking below the next kernel.
  for (const l of summary.layers) {
    if (!l.kernel || !l.inShape || l.inShape.length !== 3) continue;
    const [h, w] = l.inShape;
    const [kh, kw] = l.kernel;
    if (!known(h) || !known(w)) continue;
    const outSpatial = l.outShape ? Math.min(l.outShape[0], l.outShape[1]) : NaN;
    if ((l.padding !== 'same' && (h < kh || w < kw)) || outSpatial <= 0) {
      findings.push(arch('feature_map_collapse', 'critical', 0.95, `Feature map smaller than the kernel at ${l.name}`,
        `${l.name} (${l.className} ${kh}×${kw}, stride ${l.strides?.[0]}, padding ${l.padding}) receives a ${h}×${w} map: the output is empty`, l.name));
      break;
    }
    if (h < kh || w < kw) {
      findings.push(arch('feature_map_collapse', 'warning', 0.8, `Feature map smaller than the kernel at ${l.name}`,
        `${l.name} (${kh}×${kw}) receives a ${h}×${w} map: most of each kernel sees only padding`, l.name));
      break;
    }
    if (outSpatial === 1 && (h > 1 || w > 1)) {
      const later = summary.layers.slice(summary.layers.indexOf(l) + 1).find((x) => x.kernel && (x.kernel[0] > 1 || x.kernel[1] > 1));
      if (later) {
        findings.push(arch('feature_map_collapse', 'warning', 0.8, `Feature map collapses to 1×1 at ${l.name}`,
          `${l.name} shrinks a ${h}×${w} map to 1×1 but ${later.name} still applies a ${later.kernel![0]}×${later.kernel![1]} window`, l.name));
        break;
      }
    }
  }

  // Deep sigmoid/tanh stacks without normalization.
  const saturating = saturatingHidden(summary);
  const hasNorm = summary.layers.some((l) => l.className === 'BatchNormalization' || l.className === 'LayerNormalization');
  if (saturating.length >= SATURATING_STACK_MIN && !hasNorm) {
    findings.push(arch('deep_saturating_stack', 'warning', 0.8, `${saturating.length} sigmoid/tanh hidden layers without normalization`,
      `hidden layers ${saturating.map((l) => `${l.name} (${l.activation})`).join(', ')} saturate and multiply gradients by ≤ 0.25 each; no BatchNormalization in the model`,
      saturating[0].name));
  }

  // Dropout rates above 0.5.
  for (const l of summary.layers) {
    if (l.rate !== undefined && l.rate > DROPOUT_MAX) {
      findings.push(arch('excessive_dropout', 'warning', 0.85, `Dropout rate ${fmt(l.rate)} at ${l.name}`,
        `${l.name} drops ${pct(l.rate)} of its inputs each step (rate > ${DROPOUT_MAX}), which slows or prevents fitting`, l.name));
    }
  }
  return findings;
}
