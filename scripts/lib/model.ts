/**
 * The CNN the trainer builds from an architecture config: conv layers (each conv → optional batch norm →
 * activation, optional pooling after it), global pooling or flatten, hidden dense layers, softmax output.
 * Layer names are stable (`conv1`, `bn1`, `act1`, `pool1`, `dense1`, `output`) because run records key on them.
 */
import * as tfl from '@tensorflow/tfjs-layers';

export type Activation = 'relu' | 'leaky_relu' | 'elu' | 'prelu' | 'sigmoid' | 'tanh';
export const ACTIVATIONS: readonly Activation[] = ['relu', 'leaky_relu', 'elu', 'prelu', 'sigmoid', 'tanh'];
export type Pooling = 'max' | 'average';

export interface ConvSpec {
  filters: number;
  kernelSize: number;
  strides: number;
  padding: 'same' | 'valid';
  /** Pooling (2×2, stride 2) after this layer's activation. */
  pool?: Pooling;
}

export interface ArchitectureConfig {
  conv: ConvSpec[];
  /** How the last feature map becomes a vector: global average / max pooling, or flatten. */
  head: 'global_average' | 'global_max' | 'flatten';
  /** Hidden dense layer widths before the output layer. */
  dense: number[];
  activation: Activation;
  /** Negative slope of leaky_relu. */
  leakyAlpha: number;
  batchNorm: boolean;
  /** Dropout rate after each pooling and before every dense layer; 0 disables. */
  dropout: number;
  initializer: string;
  /** Constant initial bias of the hidden conv/dense layers (0 or absent = zeros); only without batch norm. */
  biasInit?: number;
}

/**
 * The architecture of the committed Fashion-MNIST model (80 706 parameters, 92.63 % held-out): one conv at full
 * resolution, two at 14×14, one at 7×7, global average pooling and a 64-unit head. Pooling early keeps the step
 * cheap (≈ 2.2× the images/s of a 32-32-M-64-64-M net of the same size) so it trains in about an hour on one core.
 */
export const DEFAULT_ARCHITECTURE: ArchitectureConfig = {
  conv: [
    { filters: 24, kernelSize: 3, strides: 1, padding: 'same', pool: 'max' },
    { filters: 48, kernelSize: 3, strides: 1, padding: 'same' },
    { filters: 48, kernelSize: 3, strides: 1, padding: 'same', pool: 'max' },
    { filters: 96, kernelSize: 3, strides: 1, padding: 'same' },
  ],
  head: 'global_average',
  dense: [64],
  activation: 'relu',
  leakyAlpha: 0.1,
  batchNorm: true,
  dropout: 0.2,
  initializer: 'heNormal',
};

/**
 * Parses the `--conv` shorthand: comma-separated layers `FILTERS[:KERNEL[:STRIDE[:PADDING]]]`, and `M` / `A` for a
 * max / average pooling after the previous layer.
 * @example parseConvSpec('32,32,M,64:5:2:valid') // 3 conv layers, max pooling after the second
 */
export function parseConvSpec(text: string, defaults: Omit<ConvSpec, 'filters'>): ConvSpec[] {
  const layers: ConvSpec[] = [];
  for (const token of text.split(',').map((t) => t.trim()).filter(Boolean)) {
    if (/^[MA]$/i.test(token)) {
      const last = layers.at(-1);
      if (!last) throw new Error(`--conv: pooling '${token}' needs a conv layer before it`);
      last.pool = token.toUpperCase() === 'M' ? 'max' : 'average';
      continue;
    }
    const [filters, kernel, stride, padding] = token.split(':');
    const spec: ConvSpec = {
      filters: Number(filters),
      kernelSize: kernel ? Number(kernel) : defaults.kernelSize,
      strides: stride ? Number(stride) : defaults.strides,
      padding: (padding as ConvSpec['padding']) || defaults.padding,
    };
    if (!Number.isInteger(spec.filters) || spec.filters < 1) throw new Error(`--conv: bad layer '${token}'`);
    if (spec.padding !== 'same' && spec.padding !== 'valid') throw new Error(`--conv: bad padding in '${token}'`);
    layers.push(spec);
  }
  if (!layers.length) throw new Error('--conv needs at least one conv layer');
  return layers;
}

function activationLayer(arch: ArchitectureConfig, name: string, conv: boolean): tfl.layers.Layer {
  switch (arch.activation) {
    case 'leaky_relu':
      return tfl.layers.leakyReLU({ alpha: arch.leakyAlpha, name });
    case 'prelu':
      // One learned slope per channel (shared over height and width), as in He et al. 2015.
      return tfl.layers.prelu({ name, ...(conv ? { sharedAxes: [1, 2] } : {}) });
    case 'elu':
    case 'relu':
    case 'sigmoid':
    case 'tanh':
      return tfl.layers.activation({ activation: arch.activation, name });
  }
}

/** A layer with weights and the activation layer whose output shows its dead units. */
export interface WeightedLayer {
  name: string;
  activationLayer?: string;
  activation: string;
}

/** Keras spellings (`he_normal`) and tfjs ones (`heNormal`) both name an initializer. */
function initializerName(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A seeded initializer, so a run's starting weights follow from its --seed. */
function seededInitializer(name: string, seed: number | undefined): unknown {
  const factory = (tfl.initializers as unknown as Record<string, (args: { seed?: number }) => unknown>)[initializerName(name)];
  return seed === undefined || typeof factory !== 'function' ? initializerName(name) : factory({ seed });
}

/**
 * Builds the (uncompiled) model; the trainer owns the loss and optimizer. With `seed`, the initial weights are
 * reproducible (dropout masks are not: a seeded tfjs dropout layer repeats one mask on every call).
 * @example buildModel(DEFAULT_ARCHITECTURE, [28, 28, 1], 10).countParams() // 80 706
 */
export function buildModel(arch: ArchitectureConfig, inputShape: [number, number, number], numClasses: number, seed?: number): tfl.Sequential {
  const model = tfl.sequential({ name: 'edgetune_cnn' });
  let layerSeed = seed;
  const nextSeed = () => (layerSeed === undefined ? undefined : ++layerSeed);
  const init = () => seededInitializer(arch.initializer, nextSeed()) as never;
  const biasInit = arch.biasInit ? { biasInitializer: tfl.initializers.constant({ value: arch.biasInit }) } : {};
  arch.conv.forEach((spec, i) => {
    const n = i + 1;
    model.add(
      tfl.layers.conv2d({
        name: `conv${n}`,
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding: spec.padding,
        // The batch-norm offset replaces the bias.
        useBias: !arch.batchNorm,
        kernelInitializer: init(),
        ...biasInit,
        ...(i === 0 ? { inputShape } : {}),
      }),
    );
    if (arch.batchNorm) model.add(tfl.layers.batchNormalization({ name: `bn${n}`, axis: -1 }));
    model.add(activationLayer(arch, `act${n}`, true));
    if (spec.pool) {
      const pool = { poolSize: 2, strides: 2, name: `pool${n}` };
      model.add(spec.pool === 'max' ? tfl.layers.maxPooling2d(pool) : tfl.layers.averagePooling2d(pool));
      if (arch.dropout > 0) model.add(tfl.layers.dropout({ rate: arch.dropout, name: `drop${n}` }));
    }
  });
  if (arch.head === 'global_average') model.add(tfl.layers.globalAveragePooling2d({ name: 'gap' }));
  else if (arch.head === 'global_max') model.add(tfl.layers.globalMaxPooling2d({ name: 'gmp' }));
  else model.add(tfl.layers.flatten({ name: 'flatten' }));
  arch.dense.forEach((units, i) => {
    const n = i + 1;
    model.add(tfl.layers.dense({ name: `dense${n}`, units, useBias: !arch.batchNorm, kernelInitializer: init(), ...biasInit }));
    if (arch.batchNorm) model.add(tfl.layers.batchNormalization({ name: `dense_bn${n}` }));
    model.add(activationLayer(arch, `dense_act${n}`, false));
    if (arch.dropout > 0) model.add(tfl.layers.dropout({ rate: arch.dropout, name: `dense_drop${n}` }));
  });
  model.add(tfl.layers.dense({ name: 'output', units: numClasses, activation: 'softmax', kernelInitializer: seededInitializer('glorotUniform', nextSeed()) as never }));
  return model;
}

/** The conv and dense layers with their activation layer names (for per-layer statistics). */
export function weightedLayers(arch: ArchitectureConfig): WeightedLayer[] {
  return [
    ...arch.conv.map((_, i) => ({ name: `conv${i + 1}`, activationLayer: `act${i + 1}`, activation: arch.activation })),
    ...arch.dense.map((_, i) => ({ name: `dense${i + 1}`, activationLayer: `dense_act${i + 1}`, activation: arch.activation })),
    { name: 'output', activation: 'softmax' },
  ];
}
