import { describe, expect, it } from 'vitest';
import { inputErrorOf, upload } from './fixtures/helpers';

describe('Keras History JSON uploads', () => {
  it('reads history.history dumped with json.dump, aliasing old names', () => {
    const body = '{"loss": [2.3, 1.1, 0.7], "acc": [0.1, 0.6, 0.8], "val_loss": [2.2, 1.2, NaN], "val_acc": [0.1, 0.5, 0.7], "lr": [0.01, 0.01, 0.001]}';
    const { runs } = upload(body, 'history.json');
    const log = runs[0];
    expect(log.format).toBe('keras-history');
    expect(log.xAxis).toBe('epoch');
    expect(Object.keys(log.metrics).sort()).toEqual(['accuracy', 'learning_rate', 'loss', 'val_accuracy', 'val_loss']);
    expect(log.metrics.val_loss).toEqual([2.2, 1.2, NaN]);
  });

  it('unwraps {"history": {...}} and ignores params/epoch', () => {
    const body = JSON.stringify({ history: { loss: [1, 0.5], val_loss: [1.1, 0.9] }, params: { epochs: 2 }, epoch: [0, 1] });
    const { runs } = upload(body);
    expect(runs[0].format).toBe('keras-history');
    expect(runs[0].metrics).toEqual({ loss: [1, 0.5], val_loss: [1.1, 0.9] });
  });

  it('reads "nan" strings and nulls, rejects other strings with their position', () => {
    expect(upload('{"loss": ["nan", null, 0.4]}').runs[0].metrics.loss).toEqual([NaN, null, 0.4]);
    const err = inputErrorOf(() => upload('{"loss": [0.5, "oops"]}'));
    expect(err.kind).toBe('malformed');
    expect(err.errors[0].path).toBe('loss.1');
  });

  it('reads print(history.history) output (a Python dict literal)', () => {
    const { runs } = upload("{'loss': [0.9, 0.5], 'val_loss': [1.0, nan], 'accuracy': [0.5, 0.7]}", 'history.txt');
    expect(runs[0].format).toBe('keras-history');
    expect(runs[0].metrics.val_loss).toEqual([1.0, NaN]);
  });

  it('pads shorter series with nulls so epochs stay aligned', () => {
    const { runs } = upload('{"loss": [1, 0.8, 0.6], "val_loss": [1.2]}');
    expect(runs[0].metrics.val_loss).toEqual([1.2, null, null]);
  });

  it('is unusable without a loss series when forced', () => {
    expect(inputErrorOf(() => upload('{"accuracy": [0.5]}', undefined, 'keras-history')).kind).toBe('unusable');
  });
});
