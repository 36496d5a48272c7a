/**
 * Faster training paths for two ops tfjs-layers calls through tfjs-core's exports (looked up per call, so
 * replacing the export object's property reroutes the layers):
 * - `moments` over all axes but the channel axis (batch norm in training): reductions as matrix products and an
 *   analytic gradient, instead of Mean kernels over leading axes and core's `ones`-times-dy gradients;
 * - `fused.conv2d` while a gradient is being recorded: core's fused op computes the input gradient even for the
 *   first layer (its custom gradient is not pruned); the plain conv2d gradient is lazy.
 * Both are exact rewrites (same math); forward-only use (inference, export) is untouched.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { sumLeadingAxes } from './wasm-gradients.js';

const require = createRequire(import.meta.url);
/** The CommonJS exports object tfjs-layers reads tfjs-core through (an ESM namespace is read-only). */
const core = require('@tensorflow/tfjs-core') as { moments: typeof tf.moments; fused: { conv2d: typeof tf.fused.conv2d } };

type Moments = { mean: Tensor; variance: Tensor };

/**
 * Batch statistics over every axis but the last, stacked as [2, C] (customGrad takes one output tensor), with their
 * gradient dx = dMean/M + dVar·2(x−mean)/M.
 */
const channelMoments = tf.customGrad(((x: Tensor, save: (tensors: Tensor[]) => void) => {
  const channels = x.shape[x.rank - 1];
  const count = x.size / channels;
  const mean = tf.div(sumLeadingAxes(x), count);
  const centered = tf.sub(x, mean);
  const variance = tf.div(sumLeadingAxes(tf.square(centered)), count);
  save([centered]);
  return {
    value: tf.stack([mean, variance]),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [dMean, dVariance] = tf.unstack(dy);
      const [savedCentered] = saved;
      return tf.add(tf.mul(savedCentered, tf.mul(dVariance, 2 / count)), tf.div(dMean, count));
    },
  };
}) as never) as unknown as (x: Tensor) => Tensor;

function isChannelReduction(x: Tensor, axis: number | number[] | undefined): boolean {
  const axes = axis == null ? [] : Array.isArray(axis) ? axis : [axis];
  const normalized = axes.map((a) => (a < 0 ? a + x.rank : a)).sort((a, b) => a - b);
  return x.rank >= 2 && normalized.length === x.rank - 1 && normalized.every((a, i) => a === i);
}

let installed = false;

/** Installs both rewrites (idempotent). */
export function installFastTrainingOps(): void {
  if (installed) return;
  installed = true;
  const originalMoments = core.moments;
  core.moments = ((x: Tensor, axis?: number | number[], keepDims = false): Moments => {
    if (keepDims || !isChannelReduction(x, axis) || x.dtype !== 'float32') return originalMoments(x, axis, keepDims);
    const [mean, variance] = tf.unstack(channelMoments(x));
    return { mean, variance };
  }) as typeof tf.moments;

  const originalFusedConv = core.fused.conv2d;
  core.fused.conv2d = ((args: Parameters<typeof tf.fused.conv2d>[0]) => {
    const recording = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
    const linear = args.activation == null || args.activation === 'linear';
    if (!recording || !linear || args.preluActivationWeights != null) return originalFusedConv(args);
    const y = tf.conv2d(args.x as tf.Tensor4D, args.filter as tf.Tensor4D, args.strides, args.pad, args.dataFormat, args.dilations, args.dimRoundingMode);
    return args.bias == null ? y : tf.add(y, args.bias);
  }) as typeof tf.fused.conv2d;
}
