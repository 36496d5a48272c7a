import { describe, expect, it } from 'vitest';
import { adviseLog, adviseUpload } from '../../src/advisor/advise';
import type { Advice, FindingId } from '../../src/advisor/types';
import { noise, range, trainingLog } from './helpers';

const serious = (a: Advice) => a.findings.filter((f) => f.severity !== 'info').map((f) => f.id);
const find = (a: Advice, id: FindingId) => a.findings.find((f) => f.id === id);

/** A healthy 30-epoch run: both losses fall and flatten, accuracies rise. */
function healthy(n = 30, valNoise = 0.005, seed = 3) {
  const r = noise(seed);
  return {
    loss: range(n, (i) => 0.1 + 2 * Math.exp(-i / 6) + 0.005 * r()),
    val_loss: range(n, (i) => 0.15 + 2 * Math.exp(-i / 6) + valNoise * r()),
    accuracy: range(n, (i) => 0.97 - 0.8 * Math.exp(-i / 6)),
    val_accuracy: range(n, (i) => 0.95 - 0.8 * Math.exp(-i / 6) + 0.005 * r()),
  };
}

describe('healthy runs', () => {
  it('a clean run gets no warning, best epoch = last', () => {
    const a = adviseLog(trainingLog(healthy()));
    expect(a.status).toBe('healthy');
    expect(serious(a)).toEqual([]);
    expect(a.bestEpoch).toBe(29);
    expect(a.lastIsBest).toBe(true);
  });

  it('noisy but healthy val_loss does not fire overfitting (several seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const a = adviseLog(trainingLog(healthy(40, 0.08, seed)));
      expect(find(a, 'overfitting'), `seed ${seed}`).toBeUndefined();
      expect(serious(a), `seed ${seed}`).not.toContain('divergence');
    }
  });

  it('a single bad validation epoch is not a trend', () => {
    const m = healthy();
    m.val_loss[27] = 1.5;
    const a = adviseLog(trainingLog(m));
    expect(serious(a)).toEqual([]);
  });
});

describe('overfitting', () => {
  it('fires with onset and best epoch at the turn', () => {
    const r = noise(9);
    const loss = range(30, (i) => 1.5 * Math.exp(-i / 8) + 0.02);
    const val_loss = range(30, (i) => (i <= 15 ? 1.5 * Math.exp(-i / 8) + 0.3 : 1.5 * Math.exp(-15 / 8) + 0.3 + 0.03 * (i - 15)) + 0.01 * r());
    const a = adviseLog(trainingLog({ loss, val_loss }, { run: { learningRate: 0.001 } }));
    const f = find(a, 'overfitting');
    expect(['warning', 'critical']).toContain(f?.severity);
    expect(Math.abs((f?.epoch ?? -99) - 15)).toBeLessThanOrEqual(2);
    expect(Math.abs((a.bestEpoch ?? -99) - 15)).toBeLessThanOrEqual(2);
    expect(a.lastIsBest).toBe(false);
    expect(f?.evidence).toMatch(/val_loss rose .*→.* while loss fell/);
    const epochs = a.recommendations.find((x) => x.parameter === 'epochs');
    expect(epochs?.value).toBe(a.bestEpoch! + 1);
    expect(a.recommendations.map((x) => x.parameter)).toEqual(expect.arrayContaining(['early_stopping', 'weight_decay', 'data_augmentation']));
  });
});

describe('NaN: bug versus blow-up', () => {
  it('NaN from the first epoch is a bug (no divergence, no LR blame)', () => {
    const a = adviseLog(trainingLog({ loss: [NaN, NaN, NaN], accuracy: [0.1, 0.1, 0.1], val_loss: [NaN, NaN, NaN] }));
    const f = find(a, 'nan_loss');
    expect(f?.severity).toBe('critical');
    expect(f?.epoch).toBe(0);
    expect(f?.title).toMatch(/bug/);
    expect(serious(a)).not.toContain('divergence');
    expect(serious(a)).not.toContain('lr_too_high');
    expect(a.notAssessed.map((n) => n.what)).toContain('trends');
  });

  it('NaN after progress is divergence with a learning rate cut from the run', () => {
    const loss = [2.3, 1.5, 1.0, 0.8, 0.7, 5.0, NaN, NaN];
    const a = adviseLog(trainingLog({ loss }, { run: { learningRate: 0.05, optimizer: 'sgd' } }));
    expect(find(a, 'nan_loss')?.epoch).toBe(6);
    expect(find(a, 'divergence')?.severity).toBe('critical');
    expect(find(a, 'lr_too_high')?.severity).toBe('warning');
    const lr = a.recommendations.find((r) => r.parameter === 'learning_rate');
    expect(lr).toMatchObject({ action: 'decrease', value: 0.005 });
    expect(lr?.addresses).toEqual(expect.arrayContaining(['divergence']));
    expect(a.recommendations[0].priority).toBe(1);
  });
});

describe('curve findings', () => {
  it('divergence of a finite loss after progress', () => {
    const loss = range(30, (i) => (i < 12 ? 2 - 0.15 * i : 0.2 + 0.12 * (i - 12)));
    const a = adviseLog(trainingLog({ loss }));
    const f = find(a, 'divergence');
    expect(f).toBeDefined();
    expect(f!.epoch).toBeGreaterThanOrEqual(10);
    expect(f!.epoch).toBeLessThanOrEqual(14);
  });

  it('stuck at chance from ln(k) with accuracy 1/k, vanishing only suggested', () => {
    const r = noise(4);
    const loss = range(50, () => Math.log(10) + 0.0005 * r());
    const accuracy = range(50, () => 0.1 + 0.004 * r());
    const a = adviseLog(trainingLog({ loss, accuracy, val_loss: loss, val_accuracy: accuracy }));
    const f = find(a, 'stuck_at_chance');
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toMatch(/ln 10/);
    expect(find(a, 'vanishing_gradients')?.severity).toBe('info');
    expect(a.notAssessed.map((n) => n.what)).toEqual(expect.arrayContaining(['dead_relu', 'vanishing_gradients']));
  });

  it('stuck at chance from run.numClasses', () => {
    const loss = range(20, () => Math.log(3));
    const a = adviseLog(trainingLog({ loss, accuracy: range(20, () => 0.34) }, { run: { numClasses: 3 } }));
    expect(find(a, 'stuck_at_chance')).toBeDefined();
  });

  it('no validation series: info finding and overfitting not assessed', () => {
    const a = adviseLog(trainingLog({ loss: range(10, (i) => 1 / (i + 1)) }));
    expect(find(a, 'no_validation_data')?.severity).toBe('info');
    expect(a.notAssessed.map((n) => n.what)).toContain('overfitting');
    expect(a.bestEpoch).toBe(9);
  });

  it('oscillating validation accuracy, smooth training', () => {
    const n = 20;
    const a = adviseLog(trainingLog({
      loss: range(n, (i) => 1 / (1 + 0.3 * i)),
      accuracy: range(n, (i) => 0.5 + 0.02 * i),
      val_loss: range(n, (i) => 0.8 / (1 + 0.2 * i) + (i % 2 ? 0.3 : 0)),
      val_accuracy: range(n, (i) => 0.6 + (i % 2 ? -0.15 : 0.15)),
    }, { run: { learningRate: 0.001, batchSize: 32 } }));
    const f = find(a, 'oscillation');
    expect(f?.severity).toBe('warning');
    expect(f?.title).toMatch(/validation only/);
    expect(a.recommendations.find((r) => r.parameter === 'learning_rate')?.value).toBeCloseTo(0.00033, 6);
    expect(a.recommendations.find((r) => r.parameter === 'batch_size')?.value).toBe(64);
  });

  it('plateau at a high loss', () => {
    const r = noise(5);
    const loss = range(40, (i) => (i < 5 ? 2 - 0.1 * i : 1.5 + 0.003 * r()));
    const a = adviseLog(trainingLog({ loss, accuracy: range(40, () => 0.4) }));
    expect(find(a, 'plateau')?.severity).toBe('warning');
    expect(a.recommendations.find((r) => r.parameter === 'lr_schedule')?.value).toBe('reduce_on_plateau');
  });

  it('learning rate too low: a steady crawl, rate multiplied', () => {
    const loss = range(30, (i) => 1 - 0.006 * i);
    const a = adviseLog(trainingLog({ loss, val_loss: loss.map((v) => v + 0.05) }, { run: { learningRate: 1e-6, optimizer: 'adam' } }));
    expect(find(a, 'lr_too_low')?.severity).toBe('warning');
    expect(a.recommendations.find((r) => r.parameter === 'learning_rate')).toMatchObject({ action: 'increase', value: 1e-5 });
  });

  it('unknown learning rate: flagged default, not an invented old value', () => {
    const loss = range(30, (i) => 1 - 0.006 * i);
    const a = adviseLog(trainingLog({ loss, val_loss: loss.map((v) => v + 0.05) }));
    const lr = a.recommendations.find((r) => r.parameter === 'learning_rate');
    expect(lr?.action).toBe('set');
    expect(lr?.rationale).toMatch(/not in the upload/);
  });

  it('step-level noisy minibatch loss (100k points) is healthy and fast', () => {
    const r = noise(11);
    const n = 100_000;
    const loss = range(n, (i) => 0.2 + 2 * Math.exp(-i / 20000) + 0.3 * r());
    const log = trainingLog({ loss, val_loss: range(n, (i) => (i % 1000 === 999 ? 0.3 + 2 * Math.exp(-i / 20000) : null as unknown as number)) }, { xAxis: 'step' });
    const t0 = performance.now();
    const a = adviseLog(log);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(serious(a)).toEqual([]);
    expect(a.xAxis).toBe('step');
  });
});

describe('per-layer statistics', () => {
  it('dead ReLU names the layer and suggests LeakyReLU there', () => {
    const a = adviseLog(trainingLog(healthy(), {
      layers: [
        { name: 'conv1', activation: 'relu', deadFraction: range(30, (i) => Math.min(0.8, 0.1 + 0.05 * i)) },
        { name: 'dense1', activation: 'relu', deadFraction: range(30, () => 0.05) },
      ],
    }));
    const f = find(a, 'dead_relu');
    expect(f?.layer).toBe('conv1');
    expect(f?.epoch).toBe(8);
    expect(a.recommendations.find((r) => r.parameter === 'activation' && r.layer === 'conv1')?.value).toBe('leaky_relu');
    expect(a.notAssessed.map((n) => n.what)).not.toContain('dead_relu');
  });

  it('vanishing gradients from the first/last gradient-norm ratio', () => {
    const a = adviseLog(trainingLog(healthy(), {
      layers: [
        { name: 'dense1', activation: 'sigmoid', gradNorm: range(30, () => 1e-7) },
        { name: 'dense5', activation: 'softmax', gradNorm: range(30, () => 0.5) },
      ],
    }));
    expect(find(a, 'vanishing_gradients')).toMatchObject({ severity: 'critical', layer: 'dense1' });
  });

  it('exploding gradients from a growing norm, clip value from the healthy level', () => {
    const a = adviseLog(trainingLog(healthy(), { layers: [{ name: 'conv1', gradNorm: range(30, (i) => 0.5 * 1.5 ** i) }, { name: 'out', gradNorm: range(30, () => 1) }] }));
    expect(find(a, 'exploding_gradients')?.layer).toBe('conv1');
    expect(a.recommendations.find((r) => r.parameter === 'gradient_clipping')).toBeDefined();
  });
});

describe('uploads with several runs', () => {
  it('segments in order, top level is the last run, warnings merged', () => {
    const first = trainingLog({ loss: [NaN, NaN] });
    const last = trainingLog(healthy());
    const a = adviseUpload({ runs: [first, last], warnings: ['split into 2 runs'] });
    expect(a.segments).toHaveLength(2);
    expect(a.segments![0].status).toBe('critical');
    expect(a.status).toBe('healthy');
    expect(a.warnings).toContain('split into 2 runs');
  });

  it('no loss and no model is unusable', () => {
    expect(() => adviseLog(trainingLog({}))).toThrow(/no loss/);
  });
});
