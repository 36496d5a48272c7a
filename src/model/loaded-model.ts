import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import type { BundledModel, ModelManifest } from './manifest';
import { foldLayersModel } from './folded-layers';
import { softmax } from './preprocess';

export interface LoadedModel {
  manifest: ModelManifest;
  /** Class probabilities for one preprocessed HWC input. */
  predict(input: Float32Array): Float32Array;
}

type ModelJson = {
  format?: string;
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  signature?: object;
  userDefinedMetadata?: Record<string, {}>;
};

/**
 * Loads a bundled tfjs model (layers or graph format) from memory and warms it up once, so the first request does
 * not pay for kernel set-up.
 */
export async function loadBundledModel(manifest: ModelManifest, bundle: BundledModel): Promise<LoadedModel> {
  const json = bundle.modelJson as ModelJson;
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: concatenate(bundle.weights),
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
  };
  const handler = tf.io.fromMemory(artifacts);
  const model: LayersModel | GraphModel =
    json.format === 'graph-model' ? await loadGraphModel(handler) : await loadLayersModel(handler);
  const run = forwardPass(model);
  const [h, w, c] = manifest.inputShape;
  const predict = (input: Float32Array): Float32Array => {
    const output = tf.tidy(() => {
      const result = run(tf.tensor4d(input, [1, h, w, c]));
      return tf.reshape(Array.isArray(result) ? result[0] : result, [-1]);
    });
    const values = output.dataSync() as Float32Array;
    output.dispose();
    return manifest.outputs === 'logits' ? softmax(values) : Float32Array.from(values);
  };
  predict(new Float32Array(h * w * c)); // warm-up
  return { manifest, predict };
}

/** One batch through the model: a folded chain when possible (fewer kernels), else the model's own batch call. */
function forwardPass(model: LayersModel | GraphModel): (batch: tf.Tensor4D) => tf.Tensor | tf.Tensor[] {
  if (model instanceof GraphModel) return (batch) => model.execute(batch);
  const folded = foldLayersModel(model);
  return folded ? folded.run : (batch) => model.predictOnBatch(batch);
}

function concatenate(buffers: ArrayBuffer[]): ArrayBuffer {
  if (buffers.length === 1) return buffers[0];
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}
