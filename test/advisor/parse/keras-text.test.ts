import { describe, expect, it } from 'vitest';
import { inputErrorOf, upload } from './fixtures/helpers';

describe('Keras console output uploads', () => {
  it('reads the final line of each epoch, ignoring progress lines and TF noise', () => {
    const text = [
      'Epoch 1/3',
      '2024-01-01 10:00:00.123: I tensorflow/stream_executor/cuda/cuda_dnn.cc:369] Loaded cuDNN version 8005',
      '   1/1875 [..............................] - ETA: 30:00 - loss: 2.3026 - accuracy: 0.0625',
      ' 938/1875 [==============>...............] - ETA: 2s - loss: 0.6500 - accuracy: 0.7700',
      '1875/1875 [==============================] - 5s 3ms/step - loss: 0.5000 - accuracy: 0.8200 - val_loss: 0.4500 - val_accuracy: 0.8400',
      'Epoch 2/3',
      '1875/1875 [==============================] - 5s 3ms/step - loss: nan - accuracy: 0.1000 - val_loss: nan - val_accuracy: 0.1000',
      'Epoch 3/3',
      '1875/1875 [==============================] - 5s 3ms/step - loss: nan - accuracy: 0.1000 - val_loss: inf - val_accuracy: 0.1000 - lr: 1.0000e-03',
    ].join('\n');
    const { runs } = upload(text, 'notebook.txt');
    const log = runs[0];
    expect(log.format).toBe('keras-text');
    expect(log.metrics.loss).toEqual([0.5, NaN, NaN]);
    expect(log.metrics.val_loss).toEqual([0.45, NaN, Infinity]);
    expect(log.metrics.accuracy).toEqual([0.82, 0.1, 0.1]);
    expect(log.metrics.learning_rate).toEqual([null, null, 0.001]);
  });

  it('reads Keras 3 progress bars and \\r-redrawn lines', () => {
    const text =
      'Epoch 1/2\r\n' +
      '\x1b[1m 10/938\x1b[0m ━━━━━━━━━━━━━━━━━━━━ 5s 6ms/step - accuracy: 0.3 - loss: 2.0\r' +
      '\x1b[1m938/938\x1b[0m ━━━━━━━━━━━━━━━━━━━━ 4s 4ms/step - accuracy: 0.8717 - loss: 0.4257 - val_accuracy: 0.9563 - val_loss: 0.1478\r\n' +
      'Epoch 2/2\r\n' +
      '\x1b[1m938/938\x1b[0m ━━━━━━━━━━━━━━━━━━━━ 4s 4ms/step - accuracy: 0.9603 - loss: 0.1356 - val_accuracy: 0.9689 - val_loss: 0.1040\r\n';
    const { runs } = upload(text);
    expect(runs[0].metrics.loss).toEqual([0.4257, 0.1356]);
    expect(runs[0].metrics.val_accuracy).toEqual([0.9563, 0.9689]);
  });

  it('splits a second fit() that starts again at Epoch 1 into its own run', () => {
    const text = 'Epoch 1/2\n- loss: 1.0\nEpoch 2/2\n- loss: 0.8\nEpoch 1/2\n- loss: 1.1\nEpoch 2/2\n- loss: 0.9\n';
    const { runs, warnings } = upload(text);
    expect(runs.map((r) => r.metrics.loss)).toEqual([[1.0, 0.8], [1.1, 0.9]]);
    expect(warnings.join(' ')).toMatch(/2 runs/);
  });

  it('replaces repeated epochs of a resumed run with the later values', () => {
    const text = 'Epoch 1/5\n- loss: 1.0\nEpoch 2/5\n- loss: 0.8\nEpoch 3/5\n- loss: 0.7\nEpoch 2/5\n- loss: 0.75\nEpoch 3/5\n- loss: 0.6\n';
    const { runs } = upload(text);
    expect(runs).toHaveLength(1);
    expect(runs[0].metrics.loss).toEqual([1.0, 0.75, 0.6]);
    expect(runs[0].warnings.join(' ')).toMatch(/epochs 2–3 appear twice/);
  });

  it('skips an interrupted epoch without metrics, with a warning', () => {
    const { runs, warnings } = upload('Epoch 1/3\n- loss: 1.0\nEpoch 2/3\n^C KeyboardInterrupt\n');
    expect(runs[0].metrics.loss).toEqual([1.0]);
    expect(warnings.join(' ')).toMatch(/epoch 2 has no metrics line/);
  });

  it('falls back to generic "epoch N … loss X" lines (PyTorch logs), percentages as fractions', () => {
    const text = [
      '2026-05-08 22:49:56 | INFO | Epoch [001/30] TrainLoss=1.8695 TrainAcc=48.54% | ValLoss=1.3028 ValAcc=60.94% | LR=1.00e-04 | Time=480.3s',
      '2026-05-08 22:49:59 | INFO | [Checkpoint] Saved best model (epoch=1, val_loss=1.3028)',
      '2026-05-08 22:59:30 | INFO | Epoch [002/30] TrainLoss=1.5289 TrainAcc=54.79% | ValLoss=1.1843 ValAcc=63.10% | LR=1.00e-04 | Time=571.2s',
      'epoch 3: train loss 1.2, val_loss 1.1',
    ].join('\n');
    const { runs } = upload(text, 'training.log');
    const log = runs[0];
    expect(log.format).toBe('keras-text');
    expect(log.metrics.loss).toEqual([1.8695, 1.5289, 1.2]);
    expect(log.metrics.val_loss).toEqual([1.3028, 1.1843, 1.1]);
    expect(log.metrics.accuracy?.[0]).toBeCloseTo(0.4854);
    expect(log.metrics.learning_rate).toEqual([1e-4, 1e-4, null]);
    expect(log.metrics.time).toBeUndefined();
  });

  it('is malformed when forced on text without epochs', () => {
    expect(inputErrorOf(() => upload('hello world\n', undefined, 'keras-text')).kind).toBe('malformed');
    expect(inputErrorOf(() => upload('Epoch 1/2\nno metrics here\n', undefined, 'keras-text')).kind).toBe('malformed');
  });
});
