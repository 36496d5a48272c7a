import { describe, expect, it } from 'vitest';
import { inputErrorOf, upload } from './fixtures/helpers';

const state = (logHistory: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ epoch: 2.0, global_step: 40, log_history: logHistory, num_train_epochs: 2, train_batch_size: 16, ...extra });

describe('Hugging Face trainer_state.json uploads', () => {
  it('groups by epoch: training values averaged, evaluation values as logged, summary entry ignored', () => {
    const body = state([
      { epoch: 0.5, loss: 0.7, learning_rate: 2e-5, grad_norm: 1.5, step: 10 },
      { epoch: 1.0, loss: 0.5, learning_rate: 1.5e-5, grad_norm: 0.5, step: 20 },
      { epoch: 1.0, eval_loss: 0.55, eval_accuracy: 0.8, eval_runtime: 3.2, eval_samples_per_second: 150, step: 20 },
      { epoch: 1.5, loss: 0.4, learning_rate: 1e-5, step: 30 },
      { epoch: 2.0, loss: 0.3, learning_rate: 5e-6, step: 40 },
      { epoch: 2.0, eval_loss: 0.6, eval_accuracy: 0.79, step: 40 },
      { epoch: 2.0, train_runtime: 100, train_loss: 0.48, total_flos: 1e12, step: 40 },
    ]);
    const { runs } = upload(body, 'trainer_state.json');
    const log = runs[0];
    expect(log.format).toBe('hf-trainer-state');
    expect(log.xAxis).toBe('epoch');
    expect(log.metrics.loss).toEqual([0.6, 0.35]);
    expect(log.metrics.val_loss).toEqual([0.55, 0.6]);
    expect(log.metrics.val_accuracy).toEqual([0.8, 0.79]);
    expect(log.metrics.learning_rate?.[0]).toBeCloseTo(1.75e-5);
    expect(log.metrics.grad_norm).toEqual([1, null]);
    expect(Object.keys(log.metrics).some((k) => /runtime|per_second|flos/.test(k))).toBe(false);
    expect(log.run).toMatchObject({ epochs: 2, batchSize: 16 });
  });

  it('reads bare NaN tokens outside strings (not valid JSON), leaving strings alone', () => {
    const body = '{"best_model_checkpoint": "ckpt-NaN", "log_history": [{"epoch": 1.0, "eval_loss": 0.98, "step": 5}, {"epoch": 2.0, "eval_loss": NaN, "step": 10}, {"epoch": 2.0, "loss": Infinity, "step": 10}]}';
    const { runs } = upload(body);
    expect(runs[0].metrics.val_loss).toEqual([0.98, NaN]);
    expect(runs[0].metrics.loss).toEqual([null, Infinity]);
  });

  it('falls back to steps when logging is sparser than epochs', () => {
    const body = state([
      { epoch: 1.94, loss: 0.98, learning_rate: 4.9e-5, step: 500 },
      { epoch: 3.88, loss: 0.73, learning_rate: 4.8e-5, step: 1000 },
      { epoch: 5.81, loss: 0.65, learning_rate: 4.7e-5, step: 1500 },
    ]);
    const { runs } = upload(body);
    expect(runs[0].xAxis).toBe('step');
    expect(runs[0].metrics.loss).toEqual([0.98, 0.73, 0.65]);
  });

  it('falls back to steps when evaluation runs several times per epoch', () => {
    const body = state([
      { epoch: 0.5, loss: 0.7, step: 10 },
      { epoch: 0.5, eval_loss: 0.72, step: 10 },
      { epoch: 1.0, loss: 0.5, step: 20 },
      { epoch: 1.0, eval_loss: 0.6, step: 20 },
    ]);
    const { runs } = upload(body);
    expect(runs[0].xAxis).toBe('step');
    expect(runs[0].metrics).toEqual({ loss: [0.7, 0.5], val_loss: [0.72, 0.6] });
  });

  it('reads a bare log_history array', () => {
    const { runs } = upload('[{"epoch": 1.0, "eval_loss": 0.5, "step": 3}, {"epoch": 2.0, "eval_loss": 0.4, "step": 6}]');
    expect(runs[0].metrics.val_loss).toEqual([0.5, 0.4]);
  });

  it('reads the dicts the Trainer prints to the console', () => {
    const console = [
      "{'loss': 0.6931, 'grad_norm': nan, 'learning_rate': 4.5e-05, 'epoch': 0.5}",
      ' 50%|█████     | 10/20 [00:05<00:05,  2.00it/s]',
      "{'eval_loss': 0.65, 'eval_runtime': 1.1, 'epoch': 1.0}",
      "{'loss': 0.5, 'grad_norm': 1.2, 'learning_rate': 2e-05, 'epoch': 1.5}",
      "{'eval_loss': 0.6, 'eval_runtime': 1.0, 'epoch': 2.0}",
      "{'train_runtime': 12.3, 'train_samples_per_second': 9.1, 'train_loss': 0.59, 'epoch': 2.0}",
    ].join('\n');
    const { runs } = upload(console, 'train.out');
    expect(runs[0].format).toBe('hf-trainer-state');
    expect(runs[0].metrics.loss).toEqual([0.6931, 0.5]);
    expect(runs[0].metrics.grad_norm).toEqual([NaN, 1.2]);
    expect(runs[0].metrics.val_loss).toEqual([0.65, 0.6]);
  });

  it('rejects a log_history that is not an array or has no entries', () => {
    expect(inputErrorOf(() => upload('{"log_history": 5}')).kind).toBe('malformed');
    expect(inputErrorOf(() => upload('{"log_history": []}')).kind).toBe('malformed');
  });

  it('is unusable without any loss', () => {
    expect(inputErrorOf(() => upload(state([{ epoch: 1, learning_rate: 1e-5, step: 1 }]))).kind).toBe('unusable');
  });
});
