import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../../src/advisor/parse/index';
import { kerasEventFile } from './fixtures/tfevents';
import { inputErrorOf, utf8 } from './fixtures/helpers';

const sniff = (content: string | Uint8Array, name?: string) =>
  sniffFormat({ name, bytes: typeof content === 'string' ? utf8(content) : content });

describe('format sniffing (from content, not the file name)', () => {
  it.each([
    ['{"metrics": {"loss": [1]}}', 'json'],
    ['{"loss": [1, 0.5], "val_loss": [1.2, 0.9]}', 'keras-history'],
    ['{"history": {"val_loss": [1.2]}}', 'keras-history'],
    ["{'loss': [0.9, 0.5], 'val_loss': [1.0, nan]}", 'keras-history'],
    ['loss\n0.5\n0.4\n', 'keras-csv'],
    ['{"log_history": [], "epoch": 1}', 'hf-trainer-state'],
    ['[{"epoch": 1.0, "eval_loss": NaN, "step": 5}]', 'hf-trainer-state'],
    ['{"modelTopology": {}, "weightsManifest": []}', 'tfjs-model'],
    ['{"class_name": "Sequential", "config": {"layers": []}}', 'tfjs-model'],
    ['epoch,loss,val_loss\n0,1,1\n', 'keras-csv'],
    ['val_loss,val_accuracy,loss,accuracy\n0.6,0.5,0.7,0.4\n', 'keras-csv'],
    ['epoch,step,train_loss,val_loss\n0,49,0.6,\n', 'lightning-csv'],
    ['train_loss_step,train_loss_epoch,epoch\n0.5,,0\n', 'lightning-csv'],
    ['Epoch 1/5\n10/10 [====] - 1s - loss: 0.5\n', 'keras-text'],
    ["{'loss': 0.69, 'learning_rate': 5e-05, 'epoch': 0.5}\n", 'hf-trainer-state'],
    ['```json\n[{"epoch": 1.0, "eval_loss": 0.9, "step": 3}]\n```\n', 'hf-trainer-state'],
    ['INFO Epoch [001/30] TrainLoss=1.87 ValLoss=1.30\n', 'keras-text'],
  ])('%j → %s', (content, format) => {
    expect(sniff(content, 'upload.bin')).toBe(format);
  });

  it('recognises TensorBoard event files by their framing, whatever the name', () => {
    expect(sniff(kerasEventFile({ loss: [1] }), 'history.csv')).toBe('tensorboard');
  });

  it('ignores the file name: a CSVLogger file named training.log is keras-csv', () => {
    expect(sniff('epoch,accuracy,loss\n0,0.4,1.7\n', 'training.log')).toBe('keras-csv');
  });

  it('answers unknown_format for other content, malformed for empty content', () => {
    expect(inputErrorOf(() => sniff('{"foo": 1}')).kind).toBe('unknown_format');
    expect(inputErrorOf(() => sniff('just some notes\nnothing to see\n')).kind).toBe('unknown_format');
    expect(inputErrorOf(() => sniff(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3, 4, 5]))).kind).toBe('unknown_format');
    expect(inputErrorOf(() => sniff('')).kind).toBe('malformed');
    expect(inputErrorOf(() => sniff('  \n ')).kind).toBe('malformed');
  });
});
