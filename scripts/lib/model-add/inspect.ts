/**
 * What a tfjs `model.json` says about itself, read from the JSON alone (no tfjs): its format, input shape, number of
 * classes, parameter count and whether it ends in a softmax. Layers format: the Keras topology (Sequential or
 * functional, as tfjs-layers saves it or tensorflowjs_converter writes it). Graph format: the GraphDef node list and
 * the signature. Anything that cannot be read statically is `null`; the caller then asks the flags or a test run.
 */
import { ModelAddError } from './errors.js';

export type ModelFormat = 'layers-model' | 'graph-model';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** The parts of a tfjs `model.json` this script reads; every other field is copied through unchanged. */
export interface TfjsModelJson {
  format?: string;
  modelTopology: Record<string, unknown>;
  weightsManifest: WeightGroup[];
  signature?: { inputs?: Record<string, SignatureTensor>; outputs?: Record<string, SignatureTensor> };
  [field: string]: unknown;
}

interface SignatureTensor {
  name?: string;
  tensorShape?: { dim?: Array<{ size?: string | number }>; unknownRank?: boolean };
}

export interface ModelFacts {
  format: ModelFormat;
  /** The input tensor's shape with the batch dimension, `null` entries where the model accepts any size. */
  inputShape: Array<number | null> | null;
  /** Size of the output's last dimension when the topology states it. */
  classes: number | null;
  /** Sum of the element counts of the floating-point weights (integer constants such as shapes are not parameters). */
  params: number;
  /** Whether the output comes out of a softmax; `null` when the topology does not tell. */
  endsInSoftmax: boolean | null;
  /** Bytes the weight shards must hold together; `null` when a string weight makes it variable. */
  weightBytes: number | null;
}

/** Bytes per stored value (tfjs `DTYPE_VALUE_SIZE_MAP`, plus the quantized storage types). */
const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, float16: 2, uint16: 2, uint8: 1 };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses and checks the text of a `model.json`; `where` names it in error messages.
 * @example parseTfjsModelJson(readFileSync('model.json', 'utf8'), 'model.json').format // 'graph-model'
 */
export function parseTfjsModelJson(text: string, where: string): TfjsModelJson & { format: ModelFormat } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelAddError(`${where} is not a tfjs model.json: it is not JSON`);
  }
  if (!isObject(json)) throw new ModelAddError(`${where} is not a tfjs model.json: expected a JSON object`);
  if (!('modelTopology' in json) && 'class_name' in json && 'config' in json) {
    throw new ModelAddError(
      `${where} is a Keras model.to_json() topology without weights, not a tfjs model.json: convert the saved model with tensorflowjs_converter`,
    );
  }
  const topology = json.modelTopology;
  if (!isObject(topology)) throw new ModelAddError(`${where} is not a tfjs model.json: no modelTopology`);
  const manifest = json.weightsManifest;
  const groupsOk =
    Array.isArray(manifest) &&
    manifest.every((g) => isObject(g) && Array.isArray(g.paths) && g.paths.every((p) => typeof p === 'string') && Array.isArray(g.weights) && g.weights.every(isWeightSpec));
  if (!groupsOk) throw new ModelAddError(`${where} is not a tfjs model.json: weightsManifest must list {paths, weights:[{name, shape, dtype}]} groups`);
  const format = detectFormat(json.format, topology);
  if (!format) {
    throw new ModelAddError(`${where} is not a tfjs model.json: format "${String(json.format)}" with a topology that is neither a Keras model nor a graph`);
  }
  return { ...(json as TfjsModelJson), format };
}

function isWeightSpec(v: unknown): boolean {
  return isObject(v) && typeof v.name === 'string' && Array.isArray(v.shape) && v.shape.every((n) => Number.isInteger(n) && n >= 0) && typeof v.dtype === 'string';
}

function detectFormat(format: unknown, topology: Json): ModelFormat | null {
  const looksGraph = Array.isArray(topology.node);
  const looksLayers = isObject(topology.model_config) || ('class_name' in topology && 'config' in topology);
  if (format === 'graph-model') return looksGraph ? 'graph-model' : null;
  if (format === 'layers-model') return looksLayers ? 'layers-model' : null;
  if (format !== undefined && format !== null) return null;
  return looksGraph ? 'graph-model' : looksLayers ? 'layers-model' : null;
}

/**
 * Reads the facts of a parsed model.json.
 * @example inspectModelJson(json) // {format: 'layers-model', inputShape: [null, 28, 28, 1], classes: 10, ...}
 */
export function inspectModelJson(json: TfjsModelJson & { format: ModelFormat }): ModelFacts {
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const params = specs.filter((s) => s.dtype === 'float32' || s.dtype === 'complex64').reduce((n, s) => n + elementCount(s.shape), 0);
  const weightBytes = specs.some((s) => BYTES_PER_VALUE[s.quantization?.dtype ?? s.dtype] === undefined)
    ? null
    : specs.reduce((n, s) => n + elementCount(s.shape) * BYTES_PER_VALUE[s.quantization?.dtype ?? s.dtype], 0);
  const topology = json.format === 'graph-model' ? inspectGraph(json, specs) : inspectLayers(json.modelTopology);
  return { format: json.format, params, weightBytes, ...topology };
}

const elementCount = (shape: number[]) => shape.reduce((n, d) => n * d, 1);

type TopologyFacts = Pick<ModelFacts, 'inputShape' | 'classes' | 'endsInSoftmax'>;

/** Walking back from the output stops after this many layers/nodes: the answer is near the end or not findable. */
const MAX_WALK_BACK = 12;

// ---- layers format -------------------------------------------------------------------------------------------------

interface KerasLayer {
  class_name: string;
  name?: string;
  config: Json;
  inbound_nodes?: unknown;
}

/** Layers that keep the class dimension and do not decide the output's activation. */
const SHAPE_ONLY_LAYERS = new Set(['Dropout', 'SpatialDropout2D', 'Flatten', 'Reshape', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Identity']);

function inspectLayers(topology: Json): TopologyFacts {
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  const config = model.config;
  const layers = (Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : []).filter(
    (l): l is KerasLayer => isObject(l) && typeof l.class_name === 'string' && isObject(l.config),
  );
  if (layers.length === 0) return { inputShape: null, classes: null, endsInSoftmax: null };
  const nameOf = (l: KerasLayer) => String(l.config.name ?? l.name ?? '');
  const byName = new Map(layers.map((l) => [nameOf(l), l]));
  const firstEndpoint = (key: string): KerasLayer | undefined => {
    const endpoints = isObject(config) ? config[key] : undefined;
    if (!Array.isArray(endpoints) || endpoints.length === 0) return undefined;
    const first = Array.isArray(endpoints[0]) ? endpoints[0][0] : endpoints[0]; // [[name, 0, 0]] or Keras 3's [name, 0, 0]
    return byName.get(String(first));
  };
  const sequential = model.class_name === 'Sequential' || !isObject(config) || !('output_layers' in config);
  const inputLayer = sequential ? layers[0] : firstEndpoint('input_layers');
  const outputLayer = sequential ? layers[layers.length - 1] : firstEndpoint('output_layers');
  const previous = (layer: KerasLayer): KerasLayer | undefined => {
    if (sequential) return layers[layers.indexOf(layer) - 1];
    const name = firstInboundName(layer.inbound_nodes);
    return name === undefined ? undefined : byName.get(name);
  };

  let classes: number | null = null;
  for (let layer = outputLayer, steps = 0; layer && steps < MAX_WALK_BACK && classes === null; layer = previous(layer), steps++) {
    const c = layer.config;
    if (typeof c.units === 'number') classes = c.units;
    else if (layer.class_name === 'Reshape' && Array.isArray(c.target_shape)) classes = Number(c.target_shape[c.target_shape.length - 1]) || null;
    else if (typeof c.filters === 'number') classes = c.filters;
    else if (!SHAPE_ONLY_LAYERS.has(layer.class_name) && !['Activation', 'Softmax', 'ReLU', 'BatchNormalization'].includes(layer.class_name)) break;
  }

  let endsInSoftmax: boolean | null = null;
  for (let layer = outputLayer, steps = 0; layer && steps < MAX_WALK_BACK; layer = previous(layer), steps++) {
    if (layer.class_name === 'Softmax') endsInSoftmax = true;
    else if (typeof layer.config.activation === 'string') endsInSoftmax = layer.config.activation === 'softmax';
    else if (SHAPE_ONLY_LAYERS.has(layer.class_name)) continue;
    break;
  }
  return { inputShape: inputLayer ? layerInputShape(inputLayer) : null, classes, endsInSoftmax };
}

/** `batch_input_shape` (Keras 2, tfjs), `batch_shape` (Keras 3 InputLayer) or `input_shape` without the batch axis. */
function layerInputShape(layer: KerasLayer): Array<number | null> | null {
  const c = layer.config;
  const shape = Array.isArray(c.batch_input_shape) ? c.batch_input_shape : Array.isArray(c.batch_shape) ? c.batch_shape : Array.isArray(c.input_shape) ? [null, ...c.input_shape] : null;
  return shape ? shape.map((d) => (typeof d === 'number' && d > 0 ? d : null)) : null;
}

/** Keras 2: `[[["conv1", 0, 0, {}]]]`; Keras 3: `[{args: [{config: {keras_history: ["conv1", 0, 0]}}]}]`. */
function firstInboundName(inbound: unknown): string | undefined {
  if (!Array.isArray(inbound) || inbound.length === 0) return undefined;
  const node = inbound[0];
  if (Array.isArray(node) && Array.isArray(node[0])) return String(node[0][0]);
  if (isObject(node) && Array.isArray(node.args)) {
    const arg = node.args[0];
    const history = isObject(arg) && isObject(arg.config) ? arg.config.keras_history : undefined;
    if (Array.isArray(history)) return String(history[0]);
  }
  return undefined;
}

// ---- graph format --------------------------------------------------------------------------------------------------

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Json;
}

/** Ops that pass the class dimension through unchanged. */
const PASS_THROUGH_OPS = new Set(['Identity', 'Squeeze', 'Reshape', 'Softmax', 'Relu', 'Relu6', 'Sigmoid', 'StopGradient']);

function inspectGraph(json: TfjsModelJson, specs: WeightSpec[]): TopologyFacts {
  const nodes = (json.modelTopology.node as unknown[]).filter((n): n is GraphNode => isObject(n) && typeof n.name === 'string' && typeof n.op === 'string');
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const specShape = new Map(specs.map((s) => [s.name, s.shape]));
  const tensorNode = (input: string) => input.replace(/^\^/, '').replace(/:\d+$/, '');

  const signatureInputs = Object.values(json.signature?.inputs ?? {});
  let inputShape: Array<number | null> | null = null;
  if (signatureInputs.length > 0) {
    if (signatureInputs.length > 1) throw new ModelAddError(`the graph model has ${signatureInputs.length} inputs; model:add supports models with one image input`);
    inputShape = signatureShape(signatureInputs[0]);
  }
  if (inputShape === null) {
    const placeholders = nodes.filter((n) => n.op === 'Placeholder');
    if (placeholders.length > 1) throw new ModelAddError(`the graph model has ${placeholders.length} Placeholder inputs; model:add supports models with one image input`);
    if (placeholders.length === 1) inputShape = placeholderShape(placeholders[0]);
  }

  const signatureOutputs = Object.entries(json.signature?.outputs ?? {});
  let output: GraphNode | undefined;
  let classes: number | null = null;
  if (signatureOutputs.length > 0) {
    const [key, tensor] = signatureOutputs[0];
    output = byName.get(tensorNode(tensor.name ?? key));
    const shape = signatureShape(tensor);
    classes = shape && shape.length > 0 ? shape[shape.length - 1] : null;
  } else {
    const consumed = new Set(nodes.flatMap((n) => (n.input ?? []).map(tensorNode)));
    output = nodes.find((n) => !consumed.has(n.name) && !['Const', 'Placeholder', 'NoOp'].includes(n.op));
  }

  const constShape = (node: GraphNode, index: number): number[] | undefined => {
    const input = node.input?.[index];
    return input === undefined ? undefined : specShape.get(tensorNode(input));
  };
  let endsInSoftmax: boolean | null = null;
  let softmaxDecided = false;
  for (let node = output, steps = 0; node && steps < MAX_WALK_BACK; steps++) {
    if (!softmaxDecided && !['Identity', 'Squeeze', 'Reshape', 'StopGradient'].includes(node.op)) {
      endsInSoftmax = node.op === 'Softmax';
      softmaxDecided = true;
    }
    if (classes === null) {
      if (['BiasAdd', 'Add', 'AddV2'].includes(node.op)) {
        const bias = constShape(node, 1) ?? constShape(node, 0);
        if (bias && bias.length >= 1) classes = bias[bias.length - 1];
      } else if (node.op === 'MatMul') {
        const weights = constShape(node, 1);
        const transposed = isObject(node.attr?.transpose_b) && node.attr.transpose_b.b === true;
        if (weights?.length === 2) classes = transposed ? weights[0] : weights[1];
      } else if (node.op === 'Conv2D' || node.op === '_FusedConv2D') {
        const filter = constShape(node, 1);
        if (filter?.length === 4) classes = filter[3];
      } else if (node.op === '_FusedMatMul') {
        const weights = constShape(node, 1);
        if (weights?.length === 2) classes = weights[1];
      }
    }
    if (softmaxDecided && classes !== null) break;
    if (!PASS_THROUGH_OPS.has(node.op) && !['BiasAdd', 'Add', 'AddV2'].includes(node.op)) break;
    const first = node.input?.[0];
    node = first === undefined ? undefined : byName.get(tensorNode(first));
  }
  return { inputShape, classes, endsInSoftmax };
}

function dimSizes(dims: Array<{ size?: string | number }>): Array<number | null> {
  return dims.map((d) => {
    const size = Number(d.size);
    return Number.isInteger(size) && size > 0 ? size : null;
  });
}

function signatureShape(tensor: SignatureTensor): Array<number | null> | null {
  const shape = tensor.tensorShape;
  if (!shape || shape.unknownRank || !Array.isArray(shape.dim)) return null;
  return dimSizes(shape.dim);
}

/** `attr.shape.shape.dim: [{size: "-1"}, {size: "224"}, …]` as the converter writes it. */
function placeholderShape(node: GraphNode): Array<number | null> | null {
  const attr = node.attr?.shape;
  const shape = isObject(attr) && isObject(attr.shape) ? attr.shape : undefined;
  if (!shape || shape.unknownRank || !Array.isArray(shape.dim)) return null;
  return dimSizes(shape.dim as Array<{ size?: string | number }>);
}
