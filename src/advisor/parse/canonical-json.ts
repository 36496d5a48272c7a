/** `json`: edgetune's canonical upload (CONTRACT.md, "Canonical JSON"), validated with zod. */
import { z } from 'zod';
import { AdvisorInputError, type LayerSeries, type ParsedUpload, type RunInfo, type Series } from '../types';
import { addSeries, assertSeriesCount, assertSeriesLength, createLog, MAX_REPORTED_ERRORS } from './log';
import { decodeText, parseLenientJson } from './text';

/**
 * A series: an array of numbers or nulls (zod 4's z.number() rejects NaN and ±Infinity, which are data here: a NaN
 * loss is a finding). The elements are checked in a plain loop, with the issues `z.array` would report: zod
 * walking a long series one schema call per element was the slowest step of parsing.
 */
const series = z.unknown().check((ctx) => {
  const values = ctx.value;
  if (!Array.isArray(values)) {
    ctx.issues.push({ code: 'invalid_type', expected: 'array', input: values });
    return;
  }
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (v !== null && typeof v !== 'number') {
      ctx.issues.push({ code: 'custom', message: 'expected a number or null', input: v, path: [i] });
    }
  }
}) as z.ZodType<Series>;

const layerSchema = z.object({
  name: z.string().min(1),
  activation: z.string().optional(),
  deadFraction: series.optional(),
  gradNorm: series.optional(),
  weightNorm: series.optional(),
  updateRatio: series.optional(),
});

const runSchema = z.looseObject({
  name: z.string().optional(),
  model: z.string().optional(),
  dataset: z.string().optional(),
  optimizer: z.string().optional(),
  learningRate: z.number().positive().optional(),
  batchSize: z.number().int().positive().optional(),
  epochs: z.number().int().nonnegative().optional(),
  trainSize: z.number().int().nonnegative().optional(),
  numClasses: z.number().int().positive().optional(),
});

const canonicalSchema = z.object({
  run: runSchema.optional(),
  xAxis: z.enum(['epoch', 'step']).optional(),
  metrics: z.record(z.string(), series),
  layers: z.array(layerSchema).optional(),
  model: z.unknown().optional(),
});

/** Layers per upload: a deep ResNet has ~100 conv/dense layers; this leaves room without unbounded work. */
const MAX_LAYERS = 2000;

/** Rejects oversized arrays before zod walks them, so the answer is too_large rather than a slow malformed. */
function assertSizes(doc: unknown): void {
  if (typeof doc !== 'object' || doc === null) return;
  const { metrics, layers } = doc as { metrics?: unknown; layers?: unknown };
  if (typeof metrics === 'object' && metrics !== null) {
    const entries = Object.entries(metrics);
    assertSeriesCount(entries.length);
    for (const [name, s] of entries) if (Array.isArray(s)) assertSeriesLength(s.length, name);
  }
  if (Array.isArray(layers)) {
    if (layers.length > MAX_LAYERS) {
      throw new AdvisorInputError('too_large', `${layers.length} layers; at most ${MAX_LAYERS} are accepted`);
    }
    for (const layer of layers) {
      if (typeof layer !== 'object' || layer === null) continue;
      for (const [key, s] of Object.entries(layer)) if (Array.isArray(s)) assertSeriesLength(s.length, `layers.${key}`);
    }
  }
}

/**
 * Parses the canonical JSON upload.
 * @example parseCanonicalJson(bytes('{"metrics":{"loss":[0.9,0.6]}}')).runs[0].metrics.loss // [0.9, 0.6]
 */
export function parseCanonicalJson(
  bytes: Uint8Array,
  text = decodeText(bytes),
  doc = parseLenientJson(text),
): ParsedUpload {
  assertSizes(doc);
  const result = canonicalSchema.safeParse(doc);
  if (!result.success) {
    const errors = result.error.issues.slice(0, MAX_REPORTED_ERRORS).map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    const first = errors[0];
    const summary = `not a valid canonical JSON upload: ${first.path || '(root)'}: ${first.message}`;
    throw new AdvisorInputError('malformed', summary, errors);
  }
  const data = result.data;
  const log = createLog('json', data.xAxis ?? 'epoch');
  log.run = (data.run ?? {}) as RunInfo;
  for (const [name, values] of Object.entries(data.metrics)) addSeries(log, name, values);
  log.layers = (data.layers ?? []) as LayerSeries[];
  if (data.model !== undefined) log.model = data.model;
  return { runs: [log], warnings: [] };
}
