import { describe, expect, it } from 'vitest';
import { adviseLog } from '../../src/advisor/advise';
import { renderPlotSvg } from '../../src/advisor/plot';
import { formatReport } from '../../src/advisor/report';
import { patienceToReachBest } from '../../src/advisor/recommend';
import { range, trainingLog } from './helpers';

const overfit = trainingLog({
  loss: range(30, (i) => 1.5 * Math.exp(-i / 8) + 0.02),
  val_loss: range(30, (i) => (i <= 15 ? 1.5 * Math.exp(-i / 8) + 0.3 : 0.53 + 0.03 * (i - 15))),
  accuracy: range(30, (i) => 0.5 + 0.015 * i),
  val_accuracy: range(30, (i) => 0.5 + 0.01 * Math.min(i, 15)),
}, { run: { name: 'demo <run>' } });

describe('plot', () => {
  it('is a standalone SVG with every series, the best epoch and finding onsets', () => {
    const advice = adviseLog(overfit);
    const svg = renderPlotSvg(overfit, advice);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    for (const name of ['loss', 'val_loss', 'accuracy', 'val_accuracy']) expect(svg).toContain(`data-name="${name}"`);
    expect(svg).toContain('class="best-epoch"');
    expect(svg).toContain(`best ${advice.bestEpoch}`);
    expect(svg).toContain('data-id="overfitting"');
    expect(svg).toContain('demo &lt;run&gt;');
    expect(svg).not.toContain('NaN');
  });

  it('draws a run with NaN values and an architecture-only upload without failing', () => {
    const log = trainingLog({ loss: [1, 0.5, NaN, null] });
    expect(renderPlotSvg(log, adviseLog(log))).toContain('<path');
  });
});

describe('report', () => {
  it('prints status, findings with evidence and ranked recommendations', () => {
    const text = formatReport(adviseLog(overfit));
    expect(text).toMatch(/^(WARNING|CRITICAL) — json, 30 epochs, best epoch \d+/);
    expect(text).toContain('overfitting @epoch');
    expect(text).toMatch(/1\. epochs: set → \d+/);
  });
});

describe('recommendation values', () => {
  it('early-stopping patience is the longest wait before the best epoch plus one', () => {
    expect(patienceToReachBest([1, 0.9, 0.95, 0.97, 0.8, 0.85], 4)).toBe(3);
    expect(patienceToReachBest([1, 0.9, 0.8], 2)).toBe(1);
  });
});
