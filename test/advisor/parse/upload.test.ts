import { describe, expect, it } from 'vitest';
import { canonicalMetricName, MAX_UPLOAD_BYTES, parseUpload } from '../../../src/advisor/parse/index';
import { isValidationPartName } from '../../../src/advisor/parse/merge';
import { inputErrorOf, upload, utf8 } from './fixtures/helpers';

describe('parseUpload', () => {
  it('refuses uploads over 10 MB as too_large before parsing', () => {
    const big = new Uint8Array(MAX_UPLOAD_BYTES + 1).fill(0x31);
    expect(inputErrorOf(() => parseUpload([{ bytes: big }])).kind).toBe('too_large');
    const half = new Uint8Array(MAX_UPLOAD_BYTES / 2 + 1).fill(0x31);
    expect(inputErrorOf(() => parseUpload([{ bytes: half }, { bytes: half }])).kind).toBe('too_large');
  });

  it('refuses no parts and empty parts as malformed', () => {
    expect(inputErrorOf(() => parseUpload([])).kind).toBe('malformed');
    expect(inputErrorOf(() => parseUpload([{ bytes: new Uint8Array(0) }])).kind).toBe('malformed');
    expect(inputErrorOf(() => upload('', undefined, 'keras-csv')).kind).toBe('malformed');
  });

  it('lets a forced format override sniffing, and reports a mismatch as malformed', () => {
    expect(upload('loss\n0.5\n', undefined, 'keras-csv').runs[0].metrics.loss).toEqual([0.5]);
    expect(inputErrorOf(() => upload('{"metrics": {"loss": [1]}}', undefined, 'keras-csv')).kind).toBe('malformed');
    expect(inputErrorOf(() => upload('epoch,loss\n0,1\n', undefined, 'json')).kind).toBe('malformed');
    expect(inputErrorOf(() => upload('epoch,loss\n0,1\n', undefined, 'tfjs-model')).kind).toBe('malformed');
  });

  it('answers unknown_format for unrecognised content without a forced format', () => {
    expect(inputErrorOf(() => upload('hello\n')).kind).toBe('unknown_format');
  });

  it('merges a CSV pair where the validation file supplies val_ series', () => {
    const { runs } = parseUpload([
      { name: 'train_log.csv', bytes: utf8('epoch,loss,accuracy\n0,0.9,0.5\n1,0.6,0.7\n') },
      { name: 'val_log.csv', bytes: utf8('epoch,loss,accuracy\n0,1.0,0.45\n1,0.8,0.6\n') },
    ]);
    expect(runs[0].metrics).toEqual({ loss: [0.9, 0.6], accuracy: [0.5, 0.7], val_loss: [1.0, 0.8], val_accuracy: [0.45, 0.6] });
  });

  it('names the failing part when one of several is bad', () => {
    const err = inputErrorOf(() => parseUpload([
      { name: 'a.csv', bytes: utf8('epoch,loss\n0,1\n') },
      { name: 'b.csv', bytes: utf8('epoch,loss\n0,oops\n') },
    ]));
    expect(err.kind).toBe('malformed');
    expect(err.message).toMatch(/^b\.csv: /);
  });

  it('tells validation parts by a whole word of the name', () => {
    expect(isValidationPartName('logs/validation/events.out.tfevents.2')).toBe(true);
    expect(isValidationPartName('val_log.csv')).toBe(true);
    expect(isValidationPartName('logs/train/events.out')).toBe(false);
    expect(isValidationPartName('interval.csv')).toBe(false);
    expect(isValidationPartName('eval.csv')).toBe(false);
  });
});

describe('metric aliases', () => {
  it.each([
    ['acc', 'accuracy'],
    ['val_acc', 'val_accuracy'],
    ['lr', 'learning_rate'],
    ['eval_loss', 'val_loss'],
    ['eval_accuracy', 'val_accuracy'],
    ['train_loss', 'loss'],
    ['train_acc', 'accuracy'],
    ['train/loss', 'loss'],
    ['val/loss', 'val_loss'],
    ['Loss/train', 'loss'],
    ['Loss/validation', 'val_loss'],
    ['epoch_loss', 'loss'],
    ['epoch_accuracy', 'accuracy'],
    ['epoch_learning_rate', 'learning_rate'],
    ['epoch_lr', 'learning_rate'],
    ['lr-Adam', 'learning_rate'],
    ['val_mean_token_accuracy', 'val_mean_token_accuracy'],
    ['sparse_categorical_accuracy', 'sparse_categorical_accuracy'],
  ])('%s → %s', (raw, canonical) => {
    expect(canonicalMetricName(raw)).toBe(canonical);
  });

  it('keeps the canonically spelled column when two columns mean the same metric', () => {
    const { runs } = upload('epoch,acc,accuracy,loss\n0,0.1,0.2,1\n');
    expect(runs[0].metrics.accuracy).toEqual([0.2]);
    expect(runs[0].warnings.join(' ')).toMatch(/both mean "accuracy"/);
  });
});
