/**
 * Training kernels for the tfjs wasm backend. tfjs-backend-wasm 4.22 ships no `Conv2DBackpropFilter` and no
 * depthwise gradients (tfjs#8474), and its `Conv2DBackpropInput` is a scalar loop; all of them are recomposed here
 * from the XNNPACK forward convolution the backend already has:
 * - filter gradient: the padded input with batch moved to the channel axis, convolved with the output gradient used
 *   as the filter, dilated by the stride;
 * - input gradient: the output gradient (dilated by the stride) convolved with the flipped, in/out-swapped filter.
 * The batch-norm gradient is replaced by one that broadcasts instead of materialising `Tile`s.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  backend_util,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  FusedBatchNorm,
  type KernelFunc,
  type NamedAttrMap,
  type Tensor,
  type Tensor4D,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

type Pads = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Runs `compute` with tfjs ops inside a kernel and hands its result back to the engine as a plain TensorInfo:
 * intermediates are disposed, the result's data survives its wrapper (refcount moved to the engine's tensor).
 */
function composedKernel(compute: (inputs: Record<string, Tensor>, attrs: NamedAttrMap) => Tensor): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const out = tf.tidy(() => compute(inputs as Record<string, Tensor>, attrs ?? {}));
    (backend as unknown as { incRef(dataId: object): void }).incRef(out.dataId);
    const info: TensorInfo = { dataId: out.dataId, shape: out.shape, dtype: out.dtype };
    out.dispose();
    return info;
  };
}

/** Crops (negative) or zero-pads (positive) the two spatial axes of an NHWC tensor so convolutions see `pads`. */
function cropNegativePads(x: Tensor4D, pads: Pads): { x: Tensor4D; pads: Pads } {
  const [, [t, b], [l, r]] = pads;
  if (t >= 0 && b >= 0 && l >= 0 && r >= 0) return { x, pads };
  const begin = [0, Math.max(0, -t), Math.max(0, -l), 0];
  const size = [-1, x.shape[1] - begin[1] - Math.max(0, -b), x.shape[2] - begin[2] - Math.max(0, -r), -1];
  const cropped = tf.slice(x, begin, size) as Tensor4D;
  const kept: Pads = [[0, 0], [Math.max(0, t), Math.max(0, b)], [Math.max(0, l), Math.max(0, r)], [0, 0]];
  return { x: cropped, pads: kept };
}

/** Inserts `stride - 1` zeros between the rows/columns of an NHWC tensor (the transpose of a strided read). */
export function dilateSpatial(x: Tensor4D, strideH: number, strideW: number): Tensor4D {
  if (strideH === 1 && strideW === 1) return x;
  const [n, h, w, c] = x.shape;
  const spread = tf.pad(tf.reshape(x, [n, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, strideH - 1], [0, 0], [0, strideW - 1], [0, 0]]);
  const grid = tf.reshape(spread, [n, h * strideH, w * strideW, c]);
  return tf.slice(grid, [0, 0, 0, 0], [n, (h - 1) * strideH + 1, (w - 1) * strideW + 1, c]) as Tensor4D;
}

function convInfo(xShape: number[], filterShape: number[], attrs: NamedAttrMap, depthwise = false) {
  const strides = attrs.strides as [number, number] | number;
  const dilations = (attrs.dilations as [number, number] | number | undefined) ?? 1;
  const pad = attrs.pad as 'same' | 'valid' | number | backend_util.ExplicitPadding;
  const rounding = attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined;
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    rounding,
    depthwise,
    'channelsLast',
  );
}

/** Padding that makes a stride-1 convolution of the dilated output gradient yield the input gradient. */
function inputGradientPads(info: backend_util.Conv2DInfo): Pads {
  const effH = info.effectiveFilterHeight;
  const effW = info.effectiveFilterWidth;
  const dilatedH = (info.outHeight - 1) * info.strideHeight + 1;
  const dilatedW = (info.outWidth - 1) * info.strideWidth + 1;
  const top = effH - 1 - info.padInfo.top;
  const left = effW - 1 - info.padInfo.left;
  return [[0, 0], [top, info.inHeight + effH - 1 - dilatedH - top], [left, info.inWidth + effW - 1 - dilatedW - left], [0, 0]];
}

/** Input padding seen by a filter-gradient convolution: exactly the rows/columns the forward windows read. */
function filterGradientPads(info: backend_util.Conv2DInfo): Pads {
  const neededH = (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight;
  const neededW = (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth;
  const { top, left } = info.padInfo;
  return [[0, 0], [top, neededH - info.inHeight - top], [left, neededW - info.inWidth - left], [0, 0]];
}

/** dW of `conv2d(x, W)`: conv(input^T, dy^T dilated by the stride) → [fh, fw, inC, outC]. */
export function conv2dFilterGradient(x: Tensor4D, dy: Tensor4D, filterShape: number[], attrs: NamedAttrMap): Tensor4D {
  const info = convInfo(x.shape, filterShape, attrs);
  const cropped = cropNegativePads(x, filterGradientPads(info));
  const channelsAsBatch = tf.transpose(cropped.x, [3, 1, 2, 0]); // [inC, H, W, N]
  const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]); // [outH, outW, N, outC]
  const [, [t, b], [l, r]] = cropped.pads;
  const grad = tf.conv2d(channelsAsBatch, dyAsFilter, 1, [[0, 0], [t, b], [l, r], [0, 0]], 'NHWC', [
    info.strideHeight,
    info.strideWidth,
  ]); // [inC, fh, fw, outC]
  return tf.transpose(grad, [1, 2, 0, 3]);
}

/** dx of `conv2d(x, W)`: the stride-dilated dy convolved with W flipped spatially and with in/out swapped. */
export function conv2dInputGradient(dy: Tensor4D, filter: Tensor4D, inputShape: number[], attrs: NamedAttrMap): Tensor4D {
  const info = convInfo(inputShape, filter.shape, attrs);
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as Tensor4D;
  const cropped = cropNegativePads(dilateSpatial(dy, info.strideHeight, info.strideWidth), inputGradientPads(info));
  return tf.conv2d(cropped.x, flipped, 1, cropped.pads, 'NHWC', [info.dilationHeight, info.dilationWidth]);
}

/** dx of a depthwise convolution: depthwise conv of dy with the flipped filter, summed over the multiplier. */
export function depthwiseInputGradient(dy: Tensor4D, filter: Tensor4D, inputShape: number[], attrs: NamedAttrMap): Tensor4D {
  const info = convInfo(inputShape, filter.shape, attrs, true);
  const [fh, fw, channels, multiplier] = filter.shape;
  const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [fh, fw, channels * multiplier, 1]) as Tensor4D;
  const cropped = cropNegativePads(dilateSpatial(dy, info.strideHeight, info.strideWidth), inputGradientPads(info));
  const perOutput = tf.depthwiseConv2d(cropped.x, flipped, 1, cropped.pads, 'NHWC', [info.dilationHeight, info.dilationWidth]);
  const [n, h, w] = perOutput.shape;
  return tf.sum(tf.reshape(perOutput, [n, h, w, channels, multiplier]), 4) as Tensor4D;
}

/** dW of a depthwise convolution: one strided window of the padded input per filter tap, times dy, summed. */
export function depthwiseFilterGradient(x: Tensor4D, dy: Tensor4D, filterShape: number[], attrs: NamedAttrMap): Tensor4D {
  const info = convInfo(x.shape, filterShape, attrs, true);
  const [fh, fw, channels, multiplier] = filterShape;
  const cropped = cropNegativePads(x, filterGradientPads(info));
  const padded = tf.pad(cropped.x, cropped.pads);
  const [n, oh, ow] = dy.shape;
  const dyPerChannel = tf.reshape(dy, [n, oh, ow, channels, multiplier]);
  const taps: Tensor[] = [];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const top = i * info.dilationHeight;
      const left = j * info.dilationWidth;
      const window = tf.stridedSlice(
        padded,
        [0, top, left, 0],
        [n, top + (oh - 1) * info.strideHeight + 1, left + (ow - 1) * info.strideWidth + 1, channels],
        [1, info.strideHeight, info.strideWidth, 1],
      );
      taps.push(tf.sum(tf.mul(tf.reshape(window, [n, oh, ow, channels, 1]), dyPerChannel), [0, 1, 2]));
    }
  }
  return tf.reshape(tf.stack(taps), [fh, fw, channels, multiplier]) as Tensor4D;
}

/**
 * Sum over every axis but the last. NHWC activations go through a whole-map average pooling (XNNPACK's pooling is
 * vectorised over channels; the backends' reductions over leading axes transpose first, ~10× slower), then a sum
 * over the small batch axis; other ranks use a [1, M] × [M, C] product.
 */
export function sumLeadingAxes(x: Tensor): Tensor {
  const channels = x.shape[x.rank - 1];
  if (x.rank === 4) {
    const [, h, w] = x.shape;
    const means = tf.avgPool(x as Tensor4D, [h, w], 1, 'valid');
    return tf.mul(tf.sum(tf.reshape(means, [-1, channels]), 0), h * w);
  }
  const rows = x.size / channels;
  return tf.reshape(tf.matMul(tf.ones([1, rows]), tf.reshape(x, [rows, channels])), [channels]);
}

/**
 * Gradient of FusedBatchNorm with broadcasting instead of core's `tile` of the per-channel factors to the full
 * activation shape, and reductions as matrix products; the variance and scale terms share one product.
 */
const batchNormGradient: tf.GradConfig = {
  kernelName: FusedBatchNorm,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved;
    const grad = dy as Tensor;
    const scaleValue = scale ?? tf.scalar(1);
    const perChannel = mean.rank === 1 && x.shape[x.rank - 1] === mean.shape[0];
    const reduce = (t: Tensor) => (perChannel ? sumLeadingAxes(t) : t);
    const invStd = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    // Computed here, not in a thunk: each thunk runs in its own tidy, this belongs to the whole backward pass.
    const gradDotCentered = reduce(tf.mul(grad, tf.sub(x, mean)));
    return {
      x: () => tf.mul(grad, tf.mul(invStd, scaleValue)),
      mean: () => tf.reshape(tf.neg(tf.mul(tf.mul(invStd, scaleValue), reduce(grad))), mean.shape),
      variance: () =>
        tf.reshape(tf.mul(tf.mul(tf.mul(tf.pow(invStd, 3), -0.5), scaleValue), gradDotCentered), mean.shape),
      scale: () => tf.reshape(tf.mul(invStd, gradDotCentered), mean.shape),
      offset: () => tf.reshape(reduce(grad), mean.shape),
    };
  },
};

let registered = false;
/** The backend's own Conv2DBackpropInput (a scalar loop), kept for benchmarks. */
export let originalWasmConv2DBackpropInput: tf.KernelConfig | undefined;

/**
 * Registers the composed gradient kernels for 'wasm' (idempotent). Call before `tf.setBackend('wasm')` or after;
 * kernels are looked up per call.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const wasm = 'wasm';
  // Replacing the backend's own Conv2DBackpropInput requires dropping its registration first.
  originalWasmConv2DBackpropInput = tf.getKernel(Conv2DBackpropInput, wasm);
  if (originalWasmConv2DBackpropInput) tf.unregisterKernel(Conv2DBackpropInput, wasm);
  const composed: Record<string, KernelFunc> = {
    [Conv2DBackpropInput]: composedKernel(({ dy, filter }, attrs) =>
      conv2dInputGradient(dy as Tensor4D, filter as Tensor4D, attrs.inputShape as number[], attrs),
    ),
    [Conv2DBackpropFilter]: composedKernel(({ x, dy }, attrs) =>
      conv2dFilterGradient(x as Tensor4D, dy as Tensor4D, attrs.filterShape as number[], attrs),
    ),
    [DepthwiseConv2dNativeBackpropInput]: composedKernel(({ dy, filter }, attrs) =>
      depthwiseInputGradient(dy as Tensor4D, filter as Tensor4D, attrs.inputShape as number[], attrs),
    ),
    [DepthwiseConv2dNativeBackpropFilter]: composedKernel(({ x, dy }, attrs) =>
      depthwiseFilterGradient(x as Tensor4D, dy as Tensor4D, attrs.filterShape as number[], attrs),
    ),
  };
  for (const [kernelName, kernelFunc] of Object.entries(composed)) tf.registerKernel({ kernelName, backendName: wasm, kernelFunc });
  // The gradient registry is global (all backends); the broadcast form is exact on every backend.
  tf.registerGradient(batchNormGradient);
}
