// Every hyperparameter is a flag or a --config field; flags override the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConvSpec } from '../../scripts/lib/model';
import { modelIdFor, parseTrainArgs } from '../../scripts/lib/train-options';

describe('train options', () => {
  it('reads the contract flags', () => {
    const { options } = parseTrainArgs(['--dataset', 'mnist', '--epochs', '3', '--lr', '0.01', '--batch-size', '32', '--optimizer', 'momentum']);
    expect(options).toMatchObject({ dataset: 'mnist', epochs: 3, learningRate: 0.01, batchSize: 32, optimizer: 'momentum' });
    expect(modelIdFor(options)).toBe('mnist');
  });

  it('takes the architecture and training knobs as flags', () => {
    const { options } = parseTrainArgs([
      '--conv', '16:5,M,32:3:2:valid', '--head', 'flatten', '--dense', '64,32', '--activation', 'leaky_relu', '--leaky-alpha', '0.2',
      '--no-batch-norm', '--dropout', '0.3', '--initializer', 'he_uniform', '--l2', '1e-4', '--schedule', 'reduce_on_plateau',
      '--lr-factor', '0.3', '--lr-patience', '4', '--early-stopping', '5', '--shift', '2', '--flip', '--brightness', '0.2', '--seed', '7',
      '--backend', 'cpu',
    ]);
    expect(options.architecture).toMatchObject({
      conv: [
        { filters: 16, kernelSize: 5, strides: 1, padding: 'same', pool: 'max' },
        { filters: 32, kernelSize: 3, strides: 2, padding: 'valid' },
      ],
      head: 'flatten',
      dense: [64, 32],
      activation: 'leaky_relu',
      leakyAlpha: 0.2,
      batchNorm: false,
      dropout: 0.3,
      initializer: 'he_uniform',
    });
    expect(options).toMatchObject({ l2: 1e-4, earlyStopping: 5, seed: 7, backend: 'cpu', augment: { shift: 2, flip: true, brightness: 0.2 } });
    expect(options.schedule).toMatchObject({ schedule: 'reduce_on_plateau', factor: 0.3, patience: 4 });
  });

  it('reads a --config file and lets flags override it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'edgetune-config-')), 'run.json');
    writeFileSync(file, JSON.stringify({ epochs: 30, optimizer: 'rmsprop', architecture: { dense: [128], activation: 'elu' }, schedule: { schedule: 'step', stepEpochs: 10 } }));
    const { options } = parseTrainArgs(['--config', file, '--epochs', '5']);
    expect(options).toMatchObject({ epochs: 5, optimizer: 'rmsprop' });
    expect(options.architecture).toMatchObject({ dense: [128], activation: 'elu', batchNorm: true });
    expect(options.schedule).toMatchObject({ schedule: 'step', stepEpochs: 10, factor: 0.5 });
  });

  it('rejects values a user could mistype', () => {
    expect(() => parseTrainArgs(['--optimizer', 'adamw'])).toThrow(/not one of sgd, momentum, adam, rmsprop/);
    expect(() => parseTrainArgs(['--epochs', '0'])).toThrow(/positive integer/);
    expect(() => parseTrainArgs(['--remote', 'https://x.workers.dev'])).toThrow(/--token/);
    expect(() => parseConvSpec('M,32', { kernelSize: 3, strides: 1, padding: 'same' })).toThrow(/needs a conv layer/);
  });
});
