import { describe, expect, it } from 'vitest';
import { parseUpload } from '../../../src/advisor/parse/index';
import { inputErrorOf, upload, utf8 } from './fixtures/helpers';

const topology = {
  class_name: 'Sequential',
  config: {
    name: 'cnn',
    layers: [
      { class_name: 'Conv2D', config: { filters: 8, kernel_size: [3, 3], activation: 'relu', batch_input_shape: [null, 28, 28, 1] } },
      { class_name: 'Flatten', config: {} },
      { class_name: 'Dense', config: { units: 10, activation: 'relu' } },
    ],
  },
  keras_version: 'tfjs-layers 4.22.0',
  backend: 'tensor_flow.js',
};

describe('model uploads (architecture review)', () => {
  it('reads a tfjs model.json into a run with empty curves and the topology as model', () => {
    const modelJson = { format: 'layers-model', generatedBy: 'keras', modelTopology: topology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] };
    const { runs } = upload(JSON.stringify(modelJson), 'model.json');
    expect(runs[0].format).toBe('tfjs-model');
    expect(runs[0].metrics).toEqual({});
    expect(runs[0].model).toEqual(topology);
  });

  it('reads a bare Keras model.to_json() and a converter topology with model_config', () => {
    expect(upload(JSON.stringify(topology)).runs[0].model).toEqual(topology);
    const converted = { modelTopology: { keras_version: '2.15', model_config: topology, training_config: { loss: 'categorical_crossentropy' } }, weightsManifest: [] };
    expect(upload(JSON.stringify(converted)).runs[0].model).toEqual(converted.modelTopology);
  });

  it('refuses a graph model (no layers topology) as unusable', () => {
    const graph = { format: 'graph-model', modelTopology: { node: [], versions: {} }, weightsManifest: [] };
    expect(inputErrorOf(() => upload(JSON.stringify(graph))).kind).toBe('unusable');
  });

  it('attaches a model.json uploaded beside a training log to that log', () => {
    const { runs } = parseUpload([
      { name: 'model.json', bytes: utf8(JSON.stringify({ modelTopology: topology, weightsManifest: [] })) },
      { name: 'training.log', bytes: utf8('epoch,loss,val_loss\n0,0.9,1.0\n1,0.7,0.8\n') },
    ]);
    expect(runs).toHaveLength(1);
    expect(runs[0].format).toBe('keras-csv');
    expect(runs[0].model).toEqual(topology);
    expect(runs[0].metrics.loss).toEqual([0.9, 0.7]);
  });

  it('accepts `model` in canonical JSON', () => {
    expect(upload(JSON.stringify({ metrics: { loss: [1] }, model: topology })).runs[0].model).toEqual(topology);
  });
});
