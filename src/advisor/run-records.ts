import type { LayerSeries, RunInfo, Series, TrainingLog } from './types';

/** A stored run as the runs API returns it (CONTRACT.md run and epoch records). */
export interface RunRecordLike {
  name: string;
  model: string;
  dataset: string;
  hyperparameters: Record<string, unknown>;
}
export interface EpochRecordLike {
  epoch: number;
  metrics: Record<string, number | null>;
  layers: Array<{ name: string; deadFraction?: number | null; gradNorm?: number | null; weightNorm?: number | null; updateRatio?: number | null }>;
}

const LAYER_STATS = ['deadFraction', 'gradNorm', 'weightNorm', 'updateRatio'] as const;
const RUN_INFO_KEYS = ['optimizer', 'learningRate', 'batchSize', 'epochs', 'trainSize', 'numClasses'] as const;

/**
 * The canonical TrainingLog of a stored run, so `/runs/:id/advice` runs the same detectors as an upload. Epoch
 * numbers index the series; a missing epoch leaves a null gap rather than shifting later values.
 * @example adviseLog(trainingLogFromRecords(run, epochs))
 */
export function trainingLogFromRecords(run: RunRecordLike, epochs: EpochRecordLike[]): TrainingLog {
  const length = epochs.reduce((max, e) => Math.max(max, e.epoch + 1), 0);
  const metrics: Record<string, Series> = {};
  const layers = new Map<string, LayerSeries>();
  for (const e of epochs) {
    for (const [name, value] of Object.entries(e.metrics)) {
      (metrics[name] ??= new Array<number | null>(length).fill(null))[e.epoch] = value;
    }
    for (const stat of e.layers) {
      const layer = layers.get(stat.name) ?? { name: stat.name };
      for (const key of LAYER_STATS) {
        const value = stat[key];
        if (value === undefined) continue;
        (layer[key] ??= new Array<number | null>(length).fill(null))[e.epoch] = value;
      }
      layers.set(stat.name, layer);
    }
  }
  const info: RunInfo = { name: run.name, model: run.model, dataset: run.dataset };
  for (const key of RUN_INFO_KEYS) {
    const value = run.hyperparameters[key];
    if (typeof value === 'number' || typeof value === 'string') info[key] = value as never;
  }
  if (typeof run.hyperparameters.activation === 'string') {
    for (const layer of layers.values()) layer.activation ??= run.hyperparameters.activation;
  }
  return { format: 'json', xAxis: 'epoch', run: info, metrics, layers: [...layers.values()], warnings: [] };
}
