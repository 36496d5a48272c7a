/**
 * The advisor on real curves: short MNIST runs of the project's own trainer with one injected fault each, committed in
 * fixtures/trained/ (regenerate with `npx tsx scripts/make-advisor-fixtures.ts`; commands in fixtures/trained/README.md).
 * Each file is uploaded as a user would send it, and the advice must name the fault.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adviseUpload } from '../../src/advisor/advise';
import { parseUpload } from '../../src/advisor/parse/index';
import type { Advice, FindingId } from '../../src/advisor/types';

const DIR = join(__dirname, 'fixtures', 'trained');

/** Advice for a committed fixture, uploaded as its bytes under its file name, plus the run it records. */
function adviseFixture(name: string): { advice: Advice; run: { learningRate: number; epochs: number; command: string } } {
  const bytes = new Uint8Array(readFileSync(join(DIR, `${name}.json`)));
  const upload = parseUpload([{ name: `${name}.json`, bytes }]);
  const run = upload.runs[0].run as { learningRate: number; epochs: number; command: string };
  return { advice: adviseUpload(upload), run };
}

const serious = (a: Advice) => a.findings.filter((f) => f.severity !== 'info');
const seriousIds = (a: Advice) => serious(a).map((f) => f.id);
const hasSerious = (a: Advice, ...ids: FindingId[]) => serious(a).some((f) => ids.includes(f.id));
const lrRecommendation = (a: Advice) => a.recommendations.find((r) => r.parameter === 'learning_rate');

describe('advice on fault-injected runs of scripts/train.ts', () => {
  it('every fixture records the command that made it', () => {
    for (const name of ['healthy', 'lr-too-high', 'lr-too-low', 'tiny-data-overfit', 'dead-relu', 'deep-sigmoid']) {
      const { advice, run } = adviseFixture(name);
      expect(advice.format).toBe('json');
      expect(run.command).toMatch(/^npx tsx scripts\/train\.ts .*--curves test\/advisor\/fixtures\/trained\//);
    }
  });

  it('healthy baseline: no warning or critical finding', () => {
    const { advice } = adviseFixture('healthy');
    expect(seriousIds(advice)).toEqual([]);
    expect(advice.status).toBe('healthy');
  });

  it('learning rate far too high: divergence and lr_too_high, with a lower learning rate', () => {
    const { advice, run } = adviseFixture('lr-too-high');
    expect(hasSerious(advice, 'divergence', 'nan_loss')).toBe(true);
    expect(hasSerious(advice, 'lr_too_high')).toBe(true);
    const lr = lrRecommendation(advice);
    expect(lr?.action).toBe('decrease');
    expect(lr?.value as number).toBeLessThan(run.learningRate);
  });

  it('learning rate far too low: lr_too_low, with a higher learning rate', () => {
    const { advice, run } = adviseFixture('lr-too-low');
    expect(hasSerious(advice, 'lr_too_low')).toBe(true);
    expect(hasSerious(advice, 'plateau', 'divergence', 'lr_too_high')).toBe(false);
    const lr = lrRecommendation(advice);
    expect(lr?.action).toBe('increase');
    expect(lr?.value as number).toBeGreaterThan(run.learningRate);
  });

  it('tiny data without regularization: overfitting, stop at the best epoch', () => {
    const { advice, run } = adviseFixture('tiny-data-overfit');
    expect(hasSerious(advice, 'overfitting')).toBe(true);
    expect(advice.bestEpoch).not.toBeNull();
    expect(advice.bestEpoch!).toBeLessThan(run.epochs - 1);
    expect(advice.lastIsBest).toBe(false);
    expect(advice.recommendations.some((r) => r.parameter === 'epochs' || r.parameter === 'early_stopping')).toBe(true);
  });

  it('strongly negative bias init: dead_relu naming the dead layers', () => {
    const { advice } = adviseFixture('dead-relu');
    const dead = serious(advice).filter((f) => f.id === 'dead_relu');
    expect(dead.map((f) => f.layer)).toContain('conv1');
    expect(dead.every((f) => f.evidence.includes(f.layer!))).toBe(true);
  });

  it('deep sigmoid stack: vanishing gradients or saturation, and the architecture finding', () => {
    const { advice } = adviseFixture('deep-sigmoid');
    expect(hasSerious(advice, 'vanishing_gradients', 'saturated_activations', 'stuck_at_chance')).toBe(true);
    expect(hasSerious(advice, 'deep_saturating_stack')).toBe(true);
  });
});
