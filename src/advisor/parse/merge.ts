/**
 * Several upload parts → one upload. A part whose file name says `validation`/`val` supplies the `val_` series
 * (Keras' TensorBoard callback writes `train/` and `validation/` event files with the same tags).
 */
import type { ParsedUpload, TrainingLog } from '../types';
import { isValidationName } from './aliases';
import { assertSeriesCount } from './log';

export interface ParsedPart {
  name?: string;
  upload: ParsedUpload;
}

/** `validation` or `val` as a word of the file name or path (`validation/events…`, `val_log.csv`; not `interval`). */
export function isValidationPartName(name: string | undefined): boolean {
  return name !== undefined && /(?:^|[^a-z])(?:validation|val)(?:[^a-z]|$)/i.test(name);
}

/** Renames a run's metrics to their validation spelling: `loss` → `val_loss`; the learning rate is shared. */
function asValidation(log: TrainingLog): TrainingLog {
  const metrics: TrainingLog['metrics'] = {};
  for (const [name, series] of Object.entries(log.metrics)) {
    const renamed = isValidationName(name) || name === 'learning_rate' ? name : `val_${name}`;
    metrics[renamed] = series;
  }
  return { ...log, metrics };
}

function label(part: ParsedPart, index: number): string {
  return part.name ? `"${part.name}"` : `part ${index + 1}`;
}

/** Folds one part's single run into the merged run; the first file to supply a metric keeps it. */
function foldInto(target: TrainingLog, source: TrainingLog, sourceLabel: string, warnings: string[]): void {
  for (const [name, series] of Object.entries(source.metrics)) {
    if (target.metrics[name] !== undefined) {
      warnings.push(`"${name}" came from several files; the one from ${sourceLabel} was ignored`);
      continue;
    }
    assertSeriesCount(Object.keys(target.metrics).length + 1);
    target.metrics[name] = series;
  }
  const bothCurves = Object.keys(source.metrics).length > 0 && Object.keys(target.metrics).length > 0;
  if (bothCurves && source.xAxis !== target.xAxis) {
    warnings.push(`${sourceLabel} is indexed by ${source.xAxis}s while the other files are indexed by ${target.xAxis}s`);
  }
  target.layers.push(...source.layers);
  if (target.model === undefined && source.model !== undefined) target.model = source.model;
  target.run = { ...source.run, ...target.run };
  target.warnings.push(...source.warnings);
}

/**
 * Merges parsed parts: single-run parts become one run; parts holding several runs stay separate segments.
 * @example mergeParts([{name:'train/events', upload:a}, {name:'validation/events', upload:b}]).runs[0].metrics.val_loss
 */
export function mergeParts(parts: ParsedPart[]): ParsedUpload {
  if (parts.length === 1) return parts[0].upload;
  const warnings = parts.flatMap((p) => p.upload.warnings);
  const prepared = parts.map((p) => ({
    ...p,
    runs: isValidationPartName(p.name) ? p.upload.runs.map(asValidation) : p.upload.runs,
  }));
  if (prepared.some((p) => p.runs.length !== 1)) {
    warnings.push('several files were uploaded and some hold several runs: every run is analysed as its own segment');
    return { runs: prepared.flatMap((p) => p.runs), warnings };
  }
  // the first part with curves sets the format and x axis; a model-only part just contributes `model`
  const hasCurves = (i: number): number => Number(Object.keys(prepared[i].runs[0].metrics).length > 0);
  const order = [...prepared.keys()].sort((a, b) => hasCurves(b) - hasCurves(a));
  const first = prepared[order[0]].runs[0];
  const merged: TrainingLog = {
    ...first,
    metrics: { ...first.metrics },
    layers: [...first.layers],
    run: { ...first.run },
    warnings: [...first.warnings],
  };
  for (const i of order.slice(1)) foldInto(merged, prepared[i].runs[0], label(prepared[i], i), warnings);
  return { runs: [merged], warnings };
}
