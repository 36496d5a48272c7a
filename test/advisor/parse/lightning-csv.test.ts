import { describe, expect, it } from 'vitest';
import { inputErrorOf, upload } from './fixtures/helpers';

describe('PyTorch Lightning metrics.csv uploads', () => {
  it('averages step-level training values per epoch and takes validation as logged', () => {
    const csv = [
      'epoch,step,test_loss,train_loss,val_accuracy,val_loss',
      '0,49,,0.6,,',
      '0,99,,0.4,,',
      '0,99,,,0.90,0.30',
      '1,149,,0.3,,',
      '1,199,,0.1,,',
      '1,199,,,0.95,0.20',
      '2,200,,,0.99,0.01', // trainer.validate() after fit
      '2,200,0.03,,,', // trainer.test()
    ].join('\n');
    const { runs, warnings } = upload(csv, 'metrics.csv');
    const log = runs[0];
    expect(log.format).toBe('lightning-csv');
    expect(log.xAxis).toBe('epoch');
    expect(log.metrics.loss).toEqual([0.5, 0.2]);
    expect(log.metrics.val_loss).toEqual([0.3, 0.2]);
    expect(log.metrics.val_accuracy).toEqual([0.9, 0.95]);
    expect(log.metrics.test_loss).toBeUndefined();
    expect(warnings.join(' ')).toMatch(/epoch 2 only has evaluation values/);
  });

  it('prefers *_epoch aggregates over averaging *_step values', () => {
    const csv = [
      'epoch,step,train_loss_step,train_loss_epoch,val_loss,val_acc',
      '0,10,0.9,,,',
      '0,20,0.7,,,',
      '0,20,,0.75,0.6,0.7',
      '1,30,0.5,,,',
      '1,40,0.3,,,',
      '1,40,,,0.5,0.8',
    ].join('\n');
    const { runs } = upload(csv);
    expect(runs[0].metrics.loss).toEqual([0.75, 0.4]);
    expect(runs[0].metrics.val_accuracy).toEqual([0.7, 0.8]);
  });

  it('keeps NaN step values (a NaN step makes the epoch mean NaN)', () => {
    const { runs } = upload('epoch,step,train_loss,val_loss\n0,1,0.5,\n0,2,nan,\n0,2,,0.4\n');
    expect(runs[0].metrics.loss).toEqual([NaN]);
  });

  it('maps lr-Adam from LearningRateMonitor to learning_rate', () => {
    const { runs } = upload('lr-Adam,epoch,step,train_loss\n0.001,0,1,0.5\n');
    expect(runs[0].metrics.learning_rate).toEqual([0.001]);
  });

  it('rejects strings in number columns', () => {
    const err = inputErrorOf(() => upload('epoch,step,train_loss\n0,1,abc\n'));
    expect(err.kind).toBe('malformed');
    expect(err.errors[0].path).toBe('line 2/train_loss');
  });

  it('needs an epoch or step column when forced', () => {
    expect(inputErrorOf(() => upload('loss,val_loss\n1,2\n', undefined, 'lightning-csv')).kind).toBe('malformed');
  });
});
