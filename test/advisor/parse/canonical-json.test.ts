import { describe, expect, it } from 'vitest';
import { MAX_SERIES } from '../../../src/advisor/parse/index';
import { inputErrorOf, upload } from './fixtures/helpers';

describe('canonical JSON uploads', () => {
  it('reads run, metrics, layers and model, keeping null and non-finite values', () => {
    const body = {
      run: { name: 'fmnist-cnn', optimizer: 'adam', learningRate: 0.001, batchSize: 64, epochs: 3, extra: 'kept' },
      metrics: { loss: [0.9, 0.6, null], val_loss: [1.0, 0.7, 0.8], acc: [0.5, 0.7, 0.75] },
      layers: [{ name: 'conv1', activation: 'relu', deadFraction: [0, 0.1, 0.4], gradNorm: [1, 0.5, 0.2] }],
      model: { class_name: 'Sequential', config: { layers: [] } },
    };
    const { runs } = upload(JSON.stringify(body));
    expect(runs).toHaveLength(1);
    const log = runs[0];
    expect(log.format).toBe('json');
    expect(log.xAxis).toBe('epoch');
    expect(log.metrics).toEqual({ loss: [0.9, 0.6, null], val_loss: [1.0, 0.7, 0.8], accuracy: [0.5, 0.7, 0.75] });
    expect(log.run).toMatchObject({ name: 'fmnist-cnn', learningRate: 0.001, extra: 'kept' });
    expect(log.layers[0]).toEqual(body.layers[0]);
    expect(log.model).toEqual(body.model);
  });

  it('keeps bare NaN and Infinity tokens (Python json.dump) as numbers', () => {
    const { runs } = upload('{"metrics": {"loss": [0.5, NaN, Infinity, -Infinity], "note_NaN": [1, 2, 3, 4]}}', 'run.json', 'json');
    expect(runs[0].metrics.loss).toEqual([0.5, NaN, Infinity, -Infinity]);
    expect(runs[0].metrics.note_NaN).toEqual([1, 2, 3, 4]);
  });

  it('does not touch NaN inside strings', () => {
    const { runs } = upload('{"run": {"name": "NaN Infinity"}, "metrics": {"loss": [NaN]}}', undefined, 'json');
    expect(runs[0].run.name).toBe('NaN Infinity');
  });

  it('reports validation errors with paths', () => {
    const err = inputErrorOf(() => upload('{"metrics": {"loss": [0.5, "high"]}, "layers": [{"activation": "relu"}]}', undefined, 'json'));
    expect(err.kind).toBe('malformed');
    const paths = err.errors.map((e) => e.path);
    expect(paths).toContain('metrics.loss.1');
    expect(paths).toContain('layers.0.name');
  });

  it('rejects metrics that are not an object, and broken JSON', () => {
    expect(inputErrorOf(() => upload('{"metrics": [1, 2]}', undefined, 'json')).kind).toBe('malformed');
    expect(inputErrorOf(() => upload('{"metrics": {"loss": [1, 2]', undefined, 'json')).kind).toBe('malformed');
  });

  it('refuses a run without any loss series as unusable', () => {
    expect(inputErrorOf(() => upload('{"metrics": {"accuracy": [0.5, 0.6]}}')).kind).toBe('unusable');
    expect(inputErrorOf(() => upload('{"metrics": {"loss": [null, null]}}')).kind).toBe('unusable');
  });

  it('accepts a model without metrics (architecture only)', () => {
    const { runs } = upload('{"metrics": {}, "model": {"class_name": "Sequential", "config": {"layers": []}}}');
    expect(runs[0].model).toBeDefined();
  });

  it('answers too_large for more series than the cap', () => {
    const metrics = Object.fromEntries(Array.from({ length: MAX_SERIES + 1 }, (_, i) => [`m${i}_loss`, [1]]));
    expect(inputErrorOf(() => upload(JSON.stringify({ metrics }))).kind).toBe('too_large');
  });

  it('answers too_large for a series longer than the cap, quickly', () => {
    const start = Date.now();
    const body = `{"metrics":{"loss":[${'0,'.repeat(1_000_001)}0]}}`;
    expect(inputErrorOf(() => upload(body)).kind).toBe('too_large');
    expect(Date.now() - start).toBeLessThan(5000);
  });
});
