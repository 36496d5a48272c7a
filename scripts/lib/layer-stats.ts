/**
 * Per-layer health statistics recorded every epoch (CONTRACT.md epoch record `layers`): dead units on a fixed probe
 * batch, gradient norm on a fixed batch, weight norm, and the update/weight ratio of the epoch's last step.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { WeightedLayer } from './model.js';

export interface LayerStat {
  name: string;
  deadFraction: number | null;
  gradNorm: number | null;
  weightNorm: number | null;
  updateRatio: number | null;
}

export function kernelOf(model: tfl.LayersModel, layer: string): tfl.LayerVariable | undefined {
  return model.getLayer(layer).trainableWeights.find((w) => w.originalName.endsWith('kernel'));
}

const norm = (t: tf.Tensor) => tf.tidy(() => tf.norm(t).dataSync()[0]);

/**
 * Fraction of each layer's units (channels of a conv, neurons of a dense layer) whose post-activation output is
 * zero for every probe input.
 */
export function deadFractions(model: tfl.LayersModel, layers: WeightedLayer[], probe: tf.Tensor): Map<string, number> {
  const withActivation = layers.filter((l) => l.activationLayer);
  const result = new Map<string, number>();
  if (!withActivation.length) return result;
  const outputs = withActivation.map((l) => model.getLayer(l.activationLayer!).output as tfl.SymbolicTensor);
  const probeModel = tfl.model({ inputs: model.inputs, outputs });
  tf.tidy(() => {
    const activations = probeModel.predict(probe, { batchSize: probe.shape[0] }) as tf.Tensor | tf.Tensor[];
    (Array.isArray(activations) ? activations : [activations]).forEach((a, i) => {
      const units = a.shape[a.rank - 1]!;
      const flat = tf.reshape(tf.abs(a), [-1, units]);
      const dead = tf.sum(tf.cast(tf.equal(tf.max(flat, 0), 0), 'float32')).dataSync()[0];
      result.set(withActivation[i].name, dead / units);
    });
  });
  return result;
}

/** Gradient norm of every layer's kernel for `lossFn` on a fixed batch (inference mode: deterministic). */
export function gradientNorms(model: tfl.LayersModel, layers: WeightedLayer[], lossFn: () => tf.Scalar): Map<string, number> {
  const kernels = layers.map((l) => kernelOf(model, l.name)).filter((k): k is tfl.LayerVariable => Boolean(k));
  const variables = kernels.map((k) => (k as unknown as { val: tf.Variable }).val);
  const result = new Map<string, number>();
  tf.tidy(() => {
    const { grads } = tf.variableGrads(lossFn, variables);
    layers.forEach((l, i) => {
      const g = grads[variables[i]?.name];
      if (g) result.set(l.name, norm(g));
    });
  });
  return result;
}

/** Kernel values of every layer (to measure an update), owned by the caller. */
export function snapshotKernels(model: tfl.LayersModel, layers: WeightedLayer[]): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const l of layers) {
    const k = kernelOf(model, l.name);
    if (k) out.set(l.name, tf.clone(k.read()));
  }
  return out;
}

/** ‖W_after − W_before‖ / ‖W_before‖ per layer; disposes the snapshot. */
export function updateRatios(model: tfl.LayersModel, before: Map<string, tf.Tensor>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, old] of before) {
    const k = kernelOf(model, name);
    if (k) out.set(name, tf.tidy(() => tf.norm(tf.sub(k.read(), old)).dataSync()[0] / Math.max(1e-12, tf.norm(old).dataSync()[0])));
    old.dispose();
  }
  return out;
}

export function weightNorms(model: tfl.LayersModel, layers: WeightedLayer[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of layers) {
    const k = kernelOf(model, l.name);
    if (k) out.set(l.name, norm(k.read()));
  }
  return out;
}
