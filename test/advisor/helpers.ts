import type { LayerSeries, RunInfo, Series, TrainingLog } from '../../src/advisor/types';

/** A canonical training log as a parser would hand it over. */
export function trainingLog(metrics: Record<string, Series>, extra: { run?: RunInfo; layers?: LayerSeries[]; model?: unknown; xAxis?: 'epoch' | 'step' } = {}): TrainingLog {
  return { format: 'json', xAxis: extra.xAxis ?? 'epoch', run: extra.run ?? {}, metrics, layers: extra.layers ?? [], model: extra.model, warnings: [] };
}

/** Deterministic noise in [-0.5, 0.5). */
export function noise(seed = 1): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

export function range(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}
