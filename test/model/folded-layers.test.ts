import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledModels } from '../../models/index';
import { foldLayersModel } from '../../src/model/folded-layers';
import { ensureBackend } from '../../src/model/service';

/** Deterministic values in [lo, hi) so batch-norm statistics are far from the identity. */
function pseudoRandom(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  let state = seed;
  const values = Float32Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return lo + (hi - lo) * (state / 2147483648);
  });
  return tf.tensor(values, shape);
}

/** Gives every batch norm of the model non-trivial γ, β, moving mean and variance. */
function randomiseBatchNorms(model: tfl.LayersModel) {
  for (const [i, layer] of model.layers.entries()) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const variables = layer.weights;
    layer.setWeights(variables.map((w, j) => pseudoRandom(w.shape as number[], 100 * i + j, w.originalName.endsWith('variance') ? 0.2 : -1, 2)));
  }
}

function expectSameOutputs(model: tfl.LayersModel, inputShape: number[], batches = 3) {
  const folded = foldLayersModel(model)!;
  expect(folded).not.toBeNull();
  for (let seed = 1; seed <= batches; seed++) {
    const x = pseudoRandom([2, ...inputShape], seed, 0, 1);
    const expected = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    const actual = tf.tidy(() => folded.run(x)).arraySync() as number[][];
    expect(expected.flat().every(Number.isFinite)).toBe(true);
    actual.flat().forEach((v, i) => expect(v).toBeCloseTo(expected.flat()[i], 4));
    x.dispose();
  }
  return folded;
}

describe('foldLayersModel', () => {
  beforeAll(() => ensureBackend());

  it('folds batch norms and activations into conv and dense ops without changing the outputs', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [9, 9, 2], filters: 4, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.batchNormalization({}),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.conv2d({ filters: 6, kernelSize: 2, strides: 2, padding: 'valid', biasInitializer: 'ones', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
        tfl.layers.batchNormalization({ center: false, scale: false }),
        tfl.layers.leakyReLU({ alpha: 0.1 }),
        tfl.layers.dropout({ rate: 0.5 }),
        tfl.layers.conv2d({ filters: 5, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'elu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 7, useBias: false, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }),
        tfl.layers.batchNormalization({}),
        tfl.layers.reLU({ maxValue: 6 }),
        tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }),
      ],
    });
    randomiseBatchNorms(model);
    const folded = expectSameOutputs(model, [9, 9, 2]);
    // conv1+bn+relu, conv2+bn+leaky, conv3(elu), maxpool, flatten, dense+bn+relu6, dense+softmax
    expect(folded.steps).toBe(7);
    folded.dispose();
    model.dispose();
  });

  it('keeps a batch norm that follows an activation as its own step', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [5], units: 4, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 6 }) }),
        tfl.layers.batchNormalization({}),
        tfl.layers.dense({ units: 2, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 7 }) }),
      ],
    });
    randomiseBatchNorms(model);
    expect(expectSameOutputs(model, [5]).steps).toBe(3);
    model.dispose();
  });

  it('leaves models with branches to LayersModel.predict', () => {
    const input = tfl.input({ shape: [4] });
    const a = tfl.layers.dense({ units: 3 }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ units: 3 }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor });
    expect(foldLayersModel(model)).toBeNull();
    model.dispose();
  });

  it('runs the served Fashion-MNIST model in 9 steps with the same probabilities as its 22 layers', async () => {
    const bundle = bundledModels.find((b) => (b.manifest as { id: string }).id === 'fashion-mnist')!;
    const json = bundle.modelJson as { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: bundle.weights[0] }),
    );
    expect(model.layers).toHaveLength(22);
    expect(expectSameOutputs(model, [28, 28, 1], 5).steps).toBe(9);
    model.dispose();
  });
});
