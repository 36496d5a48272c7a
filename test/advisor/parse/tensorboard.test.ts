import { describe, expect, it } from 'vitest';
import { parseUpload } from '../../../src/advisor/parse/index';
import { concat, encodeEventFile, frameRecord, kerasEventFile, recordOffsets, encodeEvent } from './fixtures/tfevents';
import { inputErrorOf, upload } from './fixtures/helpers';

const f32 = (x: number): number => Math.fround(x);

describe('TensorBoard event file uploads', () => {
  it('reads Keras TF2 tensor scalars (epoch_loss, epoch_accuracy, epoch_learning_rate)', () => {
    const file = kerasEventFile({ loss: [0.9, 0.6, 0.4], accuracy: [0.5, 0.7, 0.8], learning_rate: [0.001, 0.001, 0.0005] });
    const { runs } = upload(file, 'events.out.tfevents.1700000000.host.1.v2');
    const log = runs[0];
    expect(log.format).toBe('tensorboard');
    expect(log.xAxis).toBe('epoch');
    expect(log.metrics.loss).toEqual([0.9, 0.6, 0.4].map(f32));
    expect(log.metrics.accuracy).toEqual([0.5, 0.7, 0.8].map(f32));
    expect(log.metrics.learning_rate).toEqual([0.001, 0.001, 0.0005].map(f32));
    expect(log.warnings).toEqual([]);
  });

  it('reads float_val and double tensors too', () => {
    expect(upload(kerasEventFile({ loss: [0.5, 0.25] }, 'tensor-float-val')).runs[0].metrics.loss).toEqual([0.5, 0.25]);
    expect(upload(kerasEventFile({ loss: [0.1, 0.2] }, 'tensor-double')).runs[0].metrics.loss).toEqual([0.1, 0.2]);
  });

  it('reads TF1/PyTorch simple_value scalars with train/ and /val tags, by step, skipping histograms', () => {
    const file = encodeEventFile([
      { step: 100, scalars: { 'train/loss': 0.9, 'Loss/val': 1.0 }, histogram: 'conv1/weights' },
      { step: 200, scalars: { 'train/loss': 0.5 } },
      { step: 300, scalars: { 'train/loss': NaN, 'Loss/val': 0.8 } },
    ]);
    const { runs } = upload(file);
    expect(runs[0].xAxis).toBe('step');
    expect(runs[0].metrics).toEqual({ loss: [f32(0.9), 0.5, NaN], val_loss: [1.0, null, f32(0.8)] });
  });

  it('merges train/ and validation/ event files: the validation file supplies val_ series', () => {
    const train = kerasEventFile({ loss: [0.9, 0.5], accuracy: [0.6, 0.8] });
    const validation = kerasEventFile({ loss: [1.0, 0.7], accuracy: [0.55, 0.7] });
    const { runs } = parseUpload([
      { name: 'logs/train/events.out.tfevents.1.v2', bytes: train },
      { name: 'logs/validation/events.out.tfevents.2.v2', bytes: validation },
    ]);
    expect(runs).toHaveLength(1);
    expect(Object.keys(runs[0].metrics).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(runs[0].metrics.val_loss).toEqual([1.0, 0.7].map(f32));
  });

  it('skips records whose data fails the CRC, with a warning', () => {
    const file = kerasEventFile({ loss: [0.9, 0.6, 0.4, 0.3] });
    const offsets = recordOffsets(file);
    file[offsets[2] + 14] ^= 0xff; // data byte of epoch 1
    file[offsets[3] + 14] ^= 0xff; // data byte of epoch 2
    const { runs } = upload(file);
    expect(runs[0].metrics.loss).toEqual([0.9, 0.3].map(f32));
    expect(runs[0].warnings).toContain('2 TensorBoard records failed their CRC and were skipped');
  });

  it('skips a truncated last record with a warning', () => {
    const file = kerasEventFile({ loss: [0.9, 0.6, 0.4] });
    const { runs } = upload(file.subarray(0, file.length - 7));
    expect(runs[0].metrics.loss).toEqual([0.9, 0.6].map(f32));
    expect(runs[0].warnings.join(' ')).toMatch(/truncated/);
  });

  it('stops at a record header with a bad length CRC, keeping what came before', () => {
    const file = kerasEventFile({ loss: [0.9, 0.6, 0.4] });
    file[recordOffsets(file)[2] + 8] ^= 0x01;
    const { runs } = upload(file);
    expect(runs[0].metrics.loss).toEqual([f32(0.9)]);
    expect(runs[0].warnings.join(' ')).toMatch(/header failed its CRC/);
  });

  it('skips records that frame correctly but hold garbage', () => {
    const garbage = frameRecord(new Uint8Array([0xff, 0xff, 0xff]));
    const file = concat([kerasEventFile({ loss: [0.9] }), garbage]);
    const { runs } = upload(file);
    expect(runs[0].metrics.loss).toEqual([f32(0.9)]);
    expect(runs[0].warnings.join(' ')).toMatch(/not a readable Event/);
  });

  it('is malformed when forced on bytes without TFRecord framing, unusable without scalars', () => {
    expect(inputErrorOf(() => upload('epoch,loss\n0,1\n', undefined, 'tensorboard')).kind).toBe('malformed');
    expect(inputErrorOf(() => upload(frameRecord(encodeEvent({ step: 0, scalars: {} })))).kind).toBe('unusable');
  });
});
