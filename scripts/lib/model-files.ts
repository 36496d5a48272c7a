/**
 * tfjs layers models on disk without tfjs-node: `model.json` (topology + weightsManifest) beside one `.bin` shard,
 * plus named-tensor blobs for optimizer state and best weights in checkpoints.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readModelFiles } from './model-folder.js';

/** Writes a file through a temporary name so an interrupted write never leaves half a file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function concatBuffers(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  return Array.isArray(data) ? new Uint8Array(tf.io.concatenateArrayBuffers(data)) : new Uint8Array(data);
}

/**
 * Saves a layers model as `dir/model.json` + `dir/<shard>`; returns the bytes written.
 * @example await saveLayersModel(model, 'models/fashion-mnist')
 */
export async function saveLayersModel(model: tfl.LayersModel, dir: string, shard = 'weights.bin'): Promise<number> {
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = concatBuffers(artifacts.weightData ?? new ArrayBuffer(0));
      bytes = weights.byteLength;
      writeFileAtomic(join(dir, shard), weights);
      const modelJson = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: 'edgetune scripts/train.ts',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [shard], weights: artifacts.weightSpecs }],
      };
      writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return bytes;
}

/** Loads what `saveLayersModel` (or any single-folder tfjs layers export) wrote. */
export async function loadLayersModel(dir: string): Promise<tfl.LayersModel> {
  const { modelJson, weights } = readModelFiles(dir);
  const manifest = modelJson.weightsManifest as unknown as tf.io.WeightsManifestConfig;
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology as object,
      weightSpecs: manifest.flatMap((group) => group.weights),
      weightData: tf.io.concatenateArrayBuffers(weights),
    }),
  );
}

/** Named tensors to `<path>.json` (specs) + `<path>.bin`. */
export async function saveNamedTensors(tensors: { name: string; tensor: tf.Tensor }[], path: string): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  writeFileAtomic(`${path}.bin`, new Uint8Array(data));
  writeFileAtomic(`${path}.json`, JSON.stringify(specs));
}

export function loadNamedTensors(path: string): { name: string; tensor: tf.Tensor }[] {
  const specs = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as tf.io.WeightsManifestEntry[];
  const bytes = readFileSync(`${path}.bin`);
  const map = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}
