import { describe, expect, it } from 'vitest';
import { adviseLog } from '../../src/advisor/advise';
import { reviewArchitecture, summarizeArchitecture } from '../../src/advisor/architecture';
import { range, trainingLog } from './helpers';

const layer = (class_name: string, config: Record<string, unknown>) => ({ class_name, config });
const sequential = (...layers: unknown[]) => ({ class_name: 'Sequential', config: { name: 'm', layers } });

/** A classic small CNN with a big Flatten+Dense head and a ReLU output. */
const flattenHeavy = sequential(
  layer('Conv2D', { name: 'conv1', filters: 32, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu', batch_input_shape: [null, 28, 28, 1] }),
  layer('MaxPooling2D', { name: 'pool1', pool_size: [2, 2] }),
  layer('Flatten', { name: 'flatten' }),
  layer('Dense', { name: 'dense1', units: 128, activation: 'relu' }),
  layer('Dropout', { name: 'drop', rate: 0.7 }),
  layer('Dense', { name: 'out', units: 10, activation: 'relu' }),
);

describe('architecture review', () => {
  it('tracks shapes and counts parameters per layer', () => {
    const s = summarizeArchitecture(flattenHeavy)!;
    const byName = Object.fromEntries(s.layers.map((l) => [l.name, l]));
    expect(byName.conv1.params).toBe(3 * 3 * 1 * 32 + 32);
    expect(byName.conv1.outShape).toEqual([26, 26, 32]);
    expect(byName.pool1.outShape).toEqual([13, 13, 32]);
    expect(byName.flatten.outShape).toEqual([13 * 13 * 32]);
    expect(byName.dense1.params).toBe(13 * 13 * 32 * 128 + 128);
    expect(s.totalParams).toBe(320 + 692_352 + 1290);
    expect(s.outputActivation).toBe('relu');
  });

  it('reports fc dominance, ReLU output and excessive dropout with concrete changes', () => {
    const a = adviseLog(trainingLog({}, { model: flattenHeavy }));
    const ids = a.findings.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['fc_dominates_params', 'output_activation_mismatch', 'excessive_dropout']));
    expect(a.findings.find((f) => f.id === 'fc_dominates_params')?.evidence).toMatch(/(99|100)% of 693,962 parameters/);
    const recs = a.recommendations;
    expect(recs.find((r) => r.parameter === 'pooling')).toMatchObject({ value: 'global_average', layer: 'flatten' });
    expect(recs.find((r) => r.parameter === 'activation' && r.layer === 'out')?.value).toBe('softmax');
    expect(recs.find((r) => r.parameter === 'dropout' && r.layer === 'drop')).toMatchObject({ action: 'decrease', value: 0.3 });
    expect(a.bestEpoch).toBeNull();
    expect(a.notAssessed.map((n) => n.what)).toContain('training curves');
  });

  it('finds a feature map collapsing below the kernel', () => {
    const model = sequential(
      layer('Conv2D', { name: 'c1', filters: 8, kernel_size: 3, strides: 2, padding: 'valid', batch_input_shape: [null, 8, 8, 3] }),
      layer('Conv2D', { name: 'c2', filters: 8, kernel_size: 3, strides: 2, padding: 'valid' }),
      layer('Conv2D', { name: 'c3', filters: 8, kernel_size: 3, padding: 'valid' }),
      layer('GlobalAveragePooling2D', { name: 'gap' }),
      layer('Dense', { name: 'out', units: 10, activation: 'softmax' }),
    );
    const findings = reviewArchitecture(summarizeArchitecture(model)!);
    const f = findings.find((x) => x.id === 'feature_map_collapse');
    // c2 shrinks 3×3 to 1×1 while c3 still has a 3×3 kernel: the collapse is at c2, fixed there.
    expect(f?.layer).toBe('c2');
    expect(f?.evidence).toMatch(/1×1/);
    const a = adviseLog(trainingLog({}, { model }));
    expect(a.recommendations.find((r) => r.parameter === 'stride' && r.layer === 'c2')?.value).toBe(1);
    expect(findings.map((x) => x.id)).not.toContain('output_activation_mismatch');
  });

  it('finds a deep sigmoid stack and a single-unit softmax (tfjs model.json shape)', () => {
    const topology = sequential(
      layer('Dense', { name: 'h1', units: 64, activation: 'sigmoid', batch_input_shape: [null, 20] }),
      layer('Dense', { name: 'h2', units: 64, activation: 'sigmoid' }),
      layer('Dense', { name: 'h3', units: 64, activation: 'tanh' }),
      layer('Dense', { name: 'out', units: 1, activation: 'softmax' }),
    );
    const findings = reviewArchitecture(summarizeArchitecture({ modelTopology: { model_config: topology, training_config: { loss: 'binary_crossentropy' } } })!);
    expect(findings.find((f) => f.id === 'deep_saturating_stack')?.evidence).toMatch(/h1.*h2.*h3/);
    expect(findings.find((f) => f.id === 'output_activation_mismatch')?.severity).toBe('critical');
  });

  it('a dead ReLU output layer plus the ReLU-output finding is told once', () => {
    const n = 20;
    const log = trainingLog(
      { loss: range(n, (i) => 2 / (1 + i)), val_loss: range(n, (i) => 2.1 / (1 + i)) },
      { model: flattenHeavy, layers: [{ name: 'dense1', deadFraction: range(n, () => 0.1) }, { name: 'out', activation: 'relu', deadFraction: range(n, () => 0.8) }] },
    );
    const a = adviseLog(log);
    expect(a.findings.filter((f) => f.id === 'dead_relu')).toHaveLength(0);
    const mismatch = a.findings.find((f) => f.id === 'output_activation_mismatch');
    expect(mismatch?.evidence).toMatch(/deadFraction of out/);
    expect(a.recommendations.filter((r) => r.parameter === 'activation' && r.layer === 'out')).toHaveLength(1);
  });

  it('an unreadable topology with no curves is unusable', () => {
    expect(() => adviseLog(trainingLog({}, { model: { foo: 1 } }))).toThrow(/topology/);
  });
});
