import { describe, expect, it } from 'vitest';
import { inputErrorOf, upload } from './fixtures/helpers';

describe('Keras CSVLogger uploads', () => {
  it('reads a CSVLogger file with an epoch column (sniffed even when named training.log)', () => {
    const csv = 'epoch,accuracy,learning_rate,loss,val_accuracy,val_loss\n0,0.6,0.001,0.9,0.8,0.55\n1,0.8,0.001,0.5,0.85,0.42\n2,0.9,0.0005,0.3,0.86,0.40\n';
    const { runs, warnings } = upload(csv, 'training.log');
    expect(warnings).toEqual([]);
    expect(runs).toHaveLength(1);
    expect(runs[0].format).toBe('keras-csv');
    expect(runs[0].metrics.val_loss).toEqual([0.55, 0.42, 0.4]);
    expect(runs[0].metrics.learning_rate).toEqual([0.001, 0.001, 0.0005]);
    expect(runs[0].metrics.epoch).toBeUndefined();
  });

  it('reads files without an epoch column and old Keras names', () => {
    const csv = 'val_loss,val_acc,loss,acc\r\n0.69,0.50,0.70,0.49\r\n0.68,0.52,0.69,0.51\r\n';
    const { runs } = upload(csv);
    expect(runs[0].metrics).toEqual({ val_loss: [0.69, 0.68], val_accuracy: [0.5, 0.52], loss: [0.7, 0.69], accuracy: [0.49, 0.51] });
  });

  it('keeps nan, inf, -inf, empty and null cells as non-finite or missing values', () => {
    const csv = 'epoch,loss,val_loss\n0,nan,inf\n1,NaN,-inf\n2,,null\n';
    const { runs } = upload(csv);
    expect(runs[0].metrics.loss).toEqual([NaN, NaN, null]);
    expect(runs[0].metrics.val_loss).toEqual([Infinity, -Infinity, null]);
  });

  it('splits runs appended to one file when the epoch restarts at 0, with a warning', () => {
    const csv = 'epoch,loss,val_loss\n0,1.0,1.1\n1,0.8,0.9\n2,0.7,0.8\n0,1.2,1.3\n1,0.9,1.0\n';
    const { runs, warnings } = upload(csv);
    expect(runs.map((r) => r.metrics.loss)).toEqual([[1.0, 0.8, 0.7], [1.2, 0.9]]);
    expect(warnings.join(' ')).toMatch(/2 runs/);
  });

  it('splits runs at a repeated header line, even when the columns change', () => {
    const csv = 'epoch,loss\n0,1.0\n1,0.8\nepoch,loss,val_loss\n0,1.1,1.2\n';
    const { runs, warnings } = upload(csv);
    expect(runs).toHaveLength(2);
    expect(runs[1].metrics).toEqual({ loss: [1.1], val_loss: [1.2] });
    expect(warnings.join(' ')).toMatch(/header line repeats/);
  });

  it('treats an epoch going back (but not to the start) as a resume: later values replace earlier ones', () => {
    const csv = 'epoch,loss\n0,1.0\n1,0.8\n2,0.7\n3,0.65\n2,0.6\n3,0.5\n4,0.45\n';
    const { runs } = upload(csv);
    expect(runs).toHaveLength(1);
    expect(runs[0].metrics.loss).toEqual([1.0, 0.8, 0.6, 0.5, 0.45]);
    expect(runs[0].warnings.join(' ')).toMatch(/epochs 2–3 appear twice/);
  });

  it('rejects strings in number columns with the line and column', () => {
    const err = inputErrorOf(() => upload('epoch,loss,val_loss\n0,0.9,0.8\n1,high,0.7\n'));
    expect(err.kind).toBe('malformed');
    expect(err.errors[0]).toEqual({ path: 'line 3/loss', message: '"high" is not a number' });
  });

  it('rejects ragged rows but skips a truncated last line with a warning', () => {
    expect(inputErrorOf(() => upload('epoch,loss\n0,0.9,1\n1,0.8\n', undefined, 'keras-csv')).kind).toBe('malformed');
    const { runs, warnings } = upload('epoch,loss,val_loss\n0,0.9,0.8\n1,0.8\n');
    expect(runs[0].metrics.loss).toEqual([0.9]);
    expect(warnings.join(' ')).toMatch(/incomplete/);
  });

  it('reads quoted cells and semicolon separators', () => {
    expect(upload('"epoch";"loss"\n"0";"0.5"\n1;0.25\n').runs[0].metrics.loss).toEqual([0.5, 0.25]);
  });

  it('refuses a header without data (no loss values) and a CSV without a header', () => {
    expect(inputErrorOf(() => upload('epoch,loss,val_loss\n')).kind).toBe('unusable');
    expect(inputErrorOf(() => upload('0,0.9\n1,0.8\n', undefined, 'keras-csv')).kind).toBe('malformed');
  });

  it('answers too_large for more rows than a series may hold', () => {
    const csv = `loss\n${'1\n'.repeat(1_000_002)}`;
    expect(inputErrorOf(() => upload(csv, undefined, 'keras-csv')).kind).toBe('too_large');
  });

  it('answers the row cap first, even when an earlier line breaks another cap (the file is read piece by piece)', () => {
    const csv = `loss\n${'1,'.repeat(300)}1\n${'1\n'.repeat(1_000_002)}`;
    expect(inputErrorOf(() => upload(csv, undefined, 'keras-csv')).message).toBe('more than 1000000 rows');
  });
});
