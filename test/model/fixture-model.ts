import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BundledModel } from '../../src/model/manifest';
import { ensureBackend } from '../../src/model/service';

export const FIXTURE_LABELS = ['dark', 'light', 'c2', 'c3'];

/**
 * A tiny CNN with seeded weights, serialised exactly like a model folder (manifest + layers model.json + one shard).
 * Its first class fires for dark inputs and its second for light ones, so a test can predict the answer.
 */
export async function buildFixtureModel(id = 'fixture'): Promise<BundledModel> {
  await ensureBackend();
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 7 }) }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: FIXTURE_LABELS.length, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 11 }) }),
    ],
  });
  // Make the answer predictable: the mean brightness feeds a "light" logit, its complement a "dark" logit.
  model.layers[0].setWeights([tf.fill([3, 3, 1, 2], 1 / 9), tf.tensor1d([0, 0])]);
  model.layers[2].setWeights([
    tf.tensor2d([[-8, 8, 0, -1], [-8, 8, 0, -1]]),
    tf.tensor1d([8, -8, 0, 0]),
  ]);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  const weightData = artifacts!.weightData as ArrayBuffer;
  return {
    manifest: {
      id,
      name: 'Fixture CNN (seeded weights, tests only)',
      dataset: 'synthetic',
      labels: FIXTURE_LABELS,
      inputShape: [8, 8, 1],
      preprocessing: { channels: 1, scale: [0, 1], invertLightBackground: false },
      params: 2 * 9 + 2 + 2 * 4 + 4,
      accuracy: null,
      command: 'test/model/fixture-model.ts',
    },
    modelJson: {
      format: 'layers-model',
      modelTopology: artifacts!.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts!.weightSpecs }],
    },
    weights: [weightData],
  };
}
